"""Typed results of Instagram calls, shared by the v1 and the Graph API.

Each type is a ``Record`` (an immutable record stored in a tuple, see ``record.py``) with
``from_v1`` (and, where the Graph API has the object, ``from_graph``) constructors that accept
dicts lacking keys, carrying nulls or extra keys. A constructor raises
``UnexpectedResponseError`` only when the value is not an object at all.

The constructors build records positionally with ``_make``, one value per field in declaration
order, because a page of media builds about ten records per media and ``_make`` skips argument
binding.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Callable

from . import coerce
from .coerce import as_bool, as_epoch_datetime, as_float, as_int, as_str, as_text
from .errors import InstagramTransportError
from .record import Factory, Record


class UnexpectedResponseError(InstagramTransportError):
    """Instagram returned JSON of a shape the client cannot read."""


def _require_object(value: Any, what: str) -> dict:
    if not isinstance(value, dict):
        raise UnexpectedResponseError(
            f"Instagram returned {type(value).__name__} where a {what} object was expected."
        )
    return value


def mask_token(token: str | None) -> str:
    """Show at most the last four characters of a secret, as ``…a1b2``."""
    if not token:
        return ""
    if len(token) < 12:
        return "…"
    return f"…{token[-4:]}"


class Image(Record):
    """One rendition of a picture or video."""

    url: str
    width: int | None = None
    height: int | None = None

    @classmethod
    def from_v1(cls, data: Any) -> Image | None:
        if not isinstance(data, dict):
            return None
        url = as_str(data.get("url"))
        if not url:
            return None
        return cls._make((url, as_int(data.get("width")), as_int(data.get("height"))))


def _renditions(data: Any) -> dict[str, Image]:
    """Read v1 ``images`` or ``videos``; the loop builds each ``Image`` as ``Image.from_v1`` does."""
    if not isinstance(data, dict):
        return {}
    renditions = {}
    for name, value in data.items():
        if not isinstance(value, dict):
            continue
        url = as_str(value.get("url"))
        if url:
            name = name if type(name) is str else str(name)
            renditions[name] = _make_image((url, as_int(value.get("width")), as_int(value.get("height"))))
    return renditions


_make_image = Image._make


class Location(Record):
    """A place. ``id`` is a string even where Instagram sent an integer."""

    id: str | None
    name: str = ""
    latitude: float | None = None
    longitude: float | None = None

    @classmethod
    def from_v1(cls, data: Any) -> Location:
        data = _require_object(data, "location")
        return cls._make((
            as_str(data.get("id")),
            as_text(data.get("name")),
            as_float(data.get("latitude")),
            as_float(data.get("longitude")),
        ))


class Tag(Record):
    """A hashtag and the number of media that carry it."""

    name: str
    media_count: int | None = None

    @classmethod
    def from_v1(cls, data: Any) -> Tag:
        data = _require_object(data, "tag")
        return cls(coerce.as_text(data.get("name")), coerce.as_int(data.get("media_count")))


class UserSearchResult(Record):
    """The short form of a user that lists, likes, comments and media carry."""

    id: str | None
    username: str = ""
    full_name: str = ""
    profile_picture: str | None = None

    @classmethod
    def from_v1(cls, data: Any) -> UserSearchResult:
        return _user_v1(_require_object(data, "user"), cls._make)


def _user_v1(data: dict, make: Callable[[tuple], UserSearchResult] | None = None) -> UserSearchResult:
    """Build a ``UserSearchResult`` (or, with ``make``, a subclass) from a v1 user object known to be a dict."""
    return (make or _make_user)((
        as_str(data.get("id")),
        as_text(data.get("username")),
        as_text(data.get("full_name")),
        as_str(data.get("profile_picture")),
    ))


_make_user = UserSearchResult._make


class Counts(Record):
    media: int | None = None
    follows: int | None = None
    followed_by: int | None = None


class User(Record):
    """A full user profile.

    For the Graph API, ``id`` is the Instagram account id (``user_id``, the one webhooks use)
    and ``app_scoped_id`` is the app-scoped ``id`` of ``/me``. For v1 both are the v1 user id.
    """

    id: str | None
    username: str = ""
    full_name: str = ""
    profile_picture: str | None = None
    bio: str = ""
    website: str = ""
    counts: Counts = Factory(Counts)
    account_type: str | None = None
    app_scoped_id: str | None = None

    @classmethod
    def from_v1(cls, data: Any) -> User:
        data = _require_object(data, "user")
        counts = coerce.as_dict(data.get("counts"))
        user_id = coerce.as_str(data.get("id"))
        return cls(
            id=user_id,
            username=coerce.as_text(data.get("username")),
            full_name=coerce.as_text(data.get("full_name")),
            profile_picture=coerce.as_str(data.get("profile_picture")),
            bio=coerce.as_text(data.get("bio")),
            website=coerce.as_text(data.get("website")),
            counts=Counts(
                media=coerce.as_int(counts.get("media")),
                follows=coerce.as_int(counts.get("follows")),
                followed_by=coerce.as_int(counts.get("followed_by")),
            ),
            app_scoped_id=user_id,
        )

    @classmethod
    def from_graph(cls, data: Any) -> User:
        data = _require_object(data, "user")
        app_scoped_id = coerce.as_str(data.get("id"))
        return cls(
            id=coerce.as_str(data.get("user_id")) or app_scoped_id,
            username=coerce.as_text(data.get("username")),
            full_name=coerce.as_text(data.get("name")),
            profile_picture=coerce.as_str(data.get("profile_picture_url")),
            bio=coerce.as_text(data.get("biography")),
            website=coerce.as_text(data.get("website")),
            counts=Counts(
                media=coerce.as_int(data.get("media_count")),
                follows=coerce.as_int(data.get("follows_count")),
                followed_by=coerce.as_int(data.get("followers_count")),
            ),
            account_type=coerce.as_str(data.get("account_type")),
            app_scoped_id=app_scoped_id,
        )

    def as_search_result(self) -> UserSearchResult:
        return UserSearchResult(self.id, self.username, self.full_name, self.profile_picture)


class Comment(Record):
    """A comment, or the caption of a media (v1 sends captions as comments)."""

    id: str | None
    text: str = ""
    created_time: datetime | None = None
    from_user: UserSearchResult | None = None
    like_count: int | None = None
    hidden: bool | None = None
    replies: tuple[Comment, ...] = ()

    @classmethod
    def from_v1(cls, data: Any) -> Comment:
        return _comment_v1(_require_object(data, "comment"), cls._make)

    @classmethod
    def from_graph(cls, data: Any) -> Comment:
        data = _require_object(data, "comment")
        author = coerce.as_dict(data.get("from"))
        username = coerce.as_text(data.get("username")) or coerce.as_text(author.get("username"))
        from_user = None
        if username or author.get("id") is not None:
            from_user = UserSearchResult(id=coerce.as_str(author.get("id")), username=username)
        replies = coerce.as_list(coerce.as_dict(data.get("replies")).get("data"))
        return cls(
            id=coerce.as_str(data.get("id")),
            text=coerce.as_text(data.get("text")),
            created_time=coerce.as_iso_datetime(data.get("timestamp")),
            from_user=from_user,
            like_count=coerce.as_int(data.get("like_count")),
            hidden=coerce.as_bool(data.get("hidden")),
            replies=tuple(cls.from_graph(reply) for reply in replies if isinstance(reply, dict)),
        )


def _comment_v1(data: dict, make: Callable[[tuple], Comment]) -> Comment:
    """Build a ``Comment``, or a subclass through its ``make``, from a v1 comment object known to be a dict."""
    author = data.get("from")
    from_user = _user_v1(author) if isinstance(author, dict) else None
    return _v1_comment(make, data, as_epoch_datetime(data.get("created_time")), from_user)


def _v1_comment(
    make: Callable[[tuple], Comment], data: dict, created_time: datetime | None, from_user: UserSearchResult | None
) -> Comment:
    return make((
        as_str(data.get("id")),
        as_text(data.get("text")),
        created_time,
        from_user,
        None,  # like_count: v1 comments have none
        None,  # hidden
        (),  # replies
    ))


_make_comment = Comment._make


def _same_user(author: dict, user: Any) -> bool:
    """Return whether two v1 user objects parse to equal records.

    ``==`` alone is not enough, because ``True == 1``: an ``id`` of ``true`` reads as ``None``
    and an ``id`` of ``1`` as ``"1"``. The other fields read a bool and an int alike.
    """
    return (
        author == user
        and type(author.get("id")) is type(user.get("id"))
        and type(author.get("profile_picture")) is type(user.get("profile_picture"))
    )


def _caption_v1(caption: dict, media: dict, owner: UserSearchResult | None, created_time: datetime | None) -> Comment:
    """Build a media's caption, sharing the media's owner and time records where the caption repeats them.

    A v1 caption is written by the owner when the media is posted, so ``from`` usually equals the
    media's ``user`` and the two ``created_time`` strings are equal (in every caption of the
    recorded pages). Sharing saves building them again and keeps pickled pages smaller.
    """
    author = caption.get("from")
    if not isinstance(author, dict):
        from_user = None
    elif owner is not None and _same_user(author, media.get("user")):
        from_user = owner
    else:
        from_user = _user_v1(author)

    raw_time = caption.get("created_time")
    if type(raw_time) is not str or raw_time != media.get("created_time"):
        created_time = as_epoch_datetime(raw_time)

    return _v1_comment(_make_comment, caption, created_time, from_user)


class UserInPhoto(Record):
    user: UserSearchResult
    x: float | None = None
    y: float | None = None


def _is_list(value: Any) -> bool:
    return bool(value) and isinstance(value, list)


def _users_in_photo(value: Any) -> tuple[UserInPhoto, ...]:
    if not value or not isinstance(value, list):
        return ()
    tagged = []
    for entry in value:
        user = entry.get("user") if isinstance(entry, dict) else None
        if not isinstance(user, dict):
            continue
        position = coerce.as_dict(entry.get("position"))
        tagged.append(
            UserInPhoto._make((
                _user_v1(user),
                as_float(position.get("x")),
                as_float(position.get("y")),
            ))
        )
    return tuple(tagged)


_GRAPH_MEDIA_TYPES = {"IMAGE": "image", "VIDEO": "video", "CAROUSEL_ALBUM": "carousel"}


class Media(Record):
    """A picture, video or carousel, from either API.

    ``images`` and ``videos`` map rendition names (``standard_resolution``, ``low_resolution``,
    ``thumbnail``) to ``Image``. Graph media have one rendition: ``standard_resolution`` from
    ``media_url``, plus ``thumbnail`` from ``thumbnail_url`` on videos.
    """

    id: str | None
    type: str = "image"
    link: str | None = None
    created_time: datetime | None = None
    caption: Comment | None = None
    user: UserSearchResult | None = None
    images: dict[str, Image] = Factory(dict)
    videos: dict[str, Image] = Factory(dict)
    carousel_media: tuple[Media, ...] = ()
    tags: tuple[str, ...] = ()
    likes_count: int | None = None
    comments_count: int | None = None
    location: Location | None = None
    users_in_photo: tuple[UserInPhoto, ...] = ()
    filter: str | None = None
    user_has_liked: bool | None = None
    shortcode: str | None = None
    media_product_type: str | None = None

    @property
    def image_url(self) -> str | None:
        """The largest still picture: the photo itself, or a video's poster."""
        for name in ("standard_resolution", "low_resolution", "thumbnail"):
            if name in self.images:
                return self.images[name].url
        if self.carousel_media:
            return self.carousel_media[0].image_url
        return None

    @property
    def thumbnail_url(self) -> str | None:
        for name in ("thumbnail", "low_resolution", "standard_resolution"):
            if name in self.images:
                return self.images[name].url
        if self.carousel_media:
            return self.carousel_media[0].thumbnail_url
        return None

    @property
    def video_url(self) -> str | None:
        for name in ("standard_resolution", "low_resolution", "low_bandwidth"):
            if name in self.videos:
                return self.videos[name].url
        return None

    @property
    def caption_text(self) -> str:
        return self.caption.text if self.caption else ""

    @classmethod
    def from_v1(cls, data: Any) -> Media:
        data = _require_object(data, "media")
        caption = data.get("caption")
        user = data.get("user")
        owner = _user_v1(user) if isinstance(user, dict) else None
        created_time = as_epoch_datetime(data.get("created_time"))
        location = data.get("location")
        carousel = data.get("carousel_media")
        tags = data.get("tags")
        likes = data.get("likes")
        comments = data.get("comments")
        return cls._make((
            as_str(data.get("id")),
            as_str(data.get("type")) or "image",
            as_str(data.get("link")),
            created_time,
            _caption_v1(caption, data, owner, created_time) if isinstance(caption, dict) else None,
            owner,
            _renditions(data.get("images")),
            _renditions(data.get("videos")),
            tuple(cls.from_v1(child) for child in carousel if isinstance(child, dict)) if _is_list(carousel) else (),
            tuple(tag for tag in tags if isinstance(tag, str)) if _is_list(tags) else (),
            as_int(likes.get("count")) if isinstance(likes, dict) else None,
            as_int(comments.get("count")) if isinstance(comments, dict) else None,
            Location.from_v1(location) if isinstance(location, dict) else None,
            _users_in_photo(data.get("users_in_photo")),
            as_str(data.get("filter")),
            as_bool(data.get("user_has_liked")),
            None,  # shortcode: Graph only
            None,  # media_product_type: Graph only
        ))

    @classmethod
    def from_graph(cls, data: Any) -> Media:
        data = _require_object(data, "media")
        media_type = _GRAPH_MEDIA_TYPES.get(coerce.as_text(data.get("media_type")), "image")
        created_time = coerce.as_iso_datetime(data.get("timestamp"))
        username = coerce.as_text(data.get("username"))
        owner = coerce.as_dict(data.get("owner"))
        user = None
        if username or owner.get("id") is not None:
            user = UserSearchResult(id=coerce.as_str(owner.get("id")), username=username)
        caption_text = data.get("caption")
        caption = None
        if isinstance(caption_text, str):
            caption = Comment(id=None, text=caption_text, created_time=created_time, from_user=user)
        media_url = coerce.as_str(data.get("media_url"))
        thumbnail = coerce.as_str(data.get("thumbnail_url"))
        images, videos = {}, {}
        if media_type == "video":
            if media_url:
                videos["standard_resolution"] = Image(media_url)
            if thumbnail:
                images["standard_resolution"] = Image(thumbnail)
                images["thumbnail"] = Image(thumbnail)
        elif media_url:
            images["standard_resolution"] = Image(media_url)
        children = coerce.as_list(coerce.as_dict(data.get("children")).get("data"))
        return cls(
            id=coerce.as_str(data.get("id")),
            type=media_type,
            link=coerce.as_str(data.get("permalink")),
            created_time=created_time,
            caption=caption,
            user=user,
            images=images,
            videos=videos,
            carousel_media=tuple(
                cls.from_graph(child) for child in children if isinstance(child, dict)
            ),
            likes_count=coerce.as_int(data.get("like_count")),
            comments_count=coerce.as_int(data.get("comments_count")),
            shortcode=coerce.as_str(data.get("shortcode")),
            media_product_type=coerce.as_str(data.get("media_product_type")),
        )


class Relationship(Record):
    incoming_status: str = "none"
    outgoing_status: str = "none"
    target_user_is_private: bool | None = None

    @classmethod
    def from_v1(cls, data: Any) -> Relationship:
        data = coerce.as_dict(data)
        return cls(
            incoming_status=coerce.as_str(data.get("incoming_status")) or "none",
            outgoing_status=coerce.as_str(data.get("outgoing_status")) or "none",
            target_user_is_private=coerce.as_bool(data.get("target_user_is_private")),
        )


class AccessToken(Record, hidden=("access_token",)):
    """The result of a code exchange, long-lived exchange or refresh.

    ``repr()`` masks the token; read ``access_token`` to use it.
    """

    access_token: str
    user: User | None = None
    user_id: str | None = None
    permissions: tuple[str, ...] = ()
    token_type: str | None = None
    expires_in: int | None = None

    def __repr__(self) -> str:
        return (
            f"AccessToken(access_token={mask_token(self.access_token)!r}, user_id={self.user_id!r}, "
            f"permissions={self.permissions!r}, expires_in={self.expires_in!r})"
        )

    __str__ = __repr__

    def expires_at(self, now: datetime | None = None) -> datetime | None:
        if self.expires_in is None:
            return None
        now = now or datetime.now(timezone.utc)
        return now + timedelta(seconds=self.expires_in)

    @classmethod
    def from_v1(cls, data: Any) -> AccessToken:
        data = _require_object(data, "access token")
        token = coerce.as_str(data.get("access_token"))
        if not token:
            raise UnexpectedResponseError("Instagram's token response has no access_token.")
        user_data = data.get("user")
        user = User.from_v1(user_data) if isinstance(user_data, dict) else None
        return cls(access_token=token, user=user, user_id=user.id if user else None)

    @classmethod
    def from_graph(cls, data: Any) -> AccessToken:
        """Read the code exchange (flat or ``{"data": [...]}``), long-lived exchange or refresh."""
        data = _require_object(data, "access token")
        wrapped = coerce.as_list(data.get("data"))
        if wrapped and isinstance(wrapped[0], dict):
            data = wrapped[0]
        token = coerce.as_str(data.get("access_token"))
        if not token:
            raise UnexpectedResponseError("Instagram's token response has no access_token.")
        permissions = data.get("permissions")
        if isinstance(permissions, str):
            permissions = [p.strip() for p in permissions.split(",")]
        scopes = tuple(p for p in coerce.as_list(permissions) if isinstance(p, str) and p)
        return cls(
            access_token=token,
            user_id=coerce.as_str(data.get("user_id")),
            permissions=scopes,
            token_type=coerce.as_str(data.get("token_type")),
            expires_in=coerce.as_int(data.get("expires_in")),
        )


class ContainerStatus(Record):
    """The state of a Graph publishing container.

    ``status_code`` is one of ``IN_PROGRESS``, ``FINISHED``, ``PUBLISHED``, ``ERROR`` or ``EXPIRED``
    (a container not published within 24 hours); ``status`` is Instagram's explanation.
    """

    id: str | None
    status_code: str | None = None
    status: str = ""

    @classmethod
    def from_graph(cls, data: Any) -> ContainerStatus:
        data = _require_object(data, "media container")
        status_code = coerce.as_str(data.get("status_code"))
        return cls(
            id=coerce.as_str(data.get("id")),
            status_code=status_code.upper() if status_code else None,
            status=coerce.as_text(data.get("status")),
        )


class PublishingLimit(Record):
    """How many posts the account published through the API in the rolling window.

    ``quota_total`` and ``quota_duration`` (seconds) come from Instagram's ``config``; Meta's
    pages give both 50 and 100 posts per 24 hours, so read the number instead of assuming one.
    """

    quota_usage: int | None = None
    quota_total: int | None = None
    quota_duration: int | None = None

    @property
    def remaining(self) -> int | None:
        if self.quota_total is None or self.quota_usage is None:
            return None
        return max(self.quota_total - self.quota_usage, 0)

    @classmethod
    def from_graph(cls, data: Any) -> PublishingLimit:
        data = _require_object(data, "content publishing limit")
        config = coerce.as_dict(data.get("config"))
        return cls(
            quota_usage=coerce.as_int(data.get("quota_usage")),
            quota_total=coerce.as_int(config.get("quota_total")),
            quota_duration=coerce.as_int(config.get("quota_duration")),
        )
