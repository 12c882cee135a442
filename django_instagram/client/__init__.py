"""The Instagram client: HTTP, endpoints, result types, errors and pagination, without Django."""

from .errors import (
    ContainerTimeoutError,
    InstagramAPIError,
    InstagramError,
    InstagramTransportError,
    NotAllowedError,
    NotFoundError,
    NotSupportedError,
    OAuthAccessTokenError,
    OAuthPermissionsError,
    PublishingError,
    RateLimitError,
)
from .pagination import CursorPage, Page, Pagination
from .types import (
    AccessToken,
    Comment,
    Counts,
    Image,
    Location,
    Media,
    Relationship,
    Tag,
    UnexpectedResponseError,
    User,
    UserInPhoto,
    UserSearchResult,
)

__all__ = [
    "AccessToken", "Comment", "ContainerTimeoutError", "Counts", "CursorPage", "Image", "InstagramAPIError",
    "InstagramError", "InstagramTransportError", "Location", "Media", "NotAllowedError", "NotFoundError",
    "NotSupportedError", "OAuthAccessTokenError", "OAuthPermissionsError", "Page", "Pagination",
    "PublishingError", "RateLimitError", "Relationship", "Tag", "UnexpectedResponseError", "User", "UserInPhoto",
    "UserSearchResult",
]
