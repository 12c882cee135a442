"""The Instagram client: HTTP, endpoints, result types, errors and pagination, without Django."""

from .errors import (
    InstagramAPIError,
    InstagramError,
    InstagramTransportError,
    NotAllowedError,
    NotFoundError,
    NotSupportedError,
    OAuthAccessTokenError,
    OAuthPermissionsError,
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
    "AccessToken", "Comment", "Counts", "CursorPage", "Image", "InstagramAPIError", "InstagramError",
    "InstagramTransportError", "Location", "Media", "NotAllowedError", "NotFoundError",
    "NotSupportedError", "OAuthAccessTokenError", "OAuthPermissionsError", "Page", "Pagination",
    "RateLimitError", "Relationship", "Tag", "UnexpectedResponseError", "User", "UserInPhoto",
    "UserSearchResult",
]
