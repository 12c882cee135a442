"""System checks for the ``INSTAGRAM`` settings dict.

Every malformed value is reported by ``manage.py check`` with a hint that names the fix, instead
of failing at import or on the first request.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.urls import NoReverseMatch, reverse

from .client.graph import WEBHOOK_FIELD_SCOPES, WEBHOOK_FIELDS
from .conf import DEFAULTS, ENVIRONMENT_FALLBACKS, instagram_settings

CURRENT_GRAPH_SCOPES = (
    "instagram_business_basic",
    "instagram_business_manage_comments",
    "instagram_business_content_publish",
    "instagram_business_manage_messages",
    "instagram_business_manage_insights",
)
RETIRED_SCOPES = {
    "basic", "public_content", "follower_list", "comments", "relationships", "likes",
    "user_profile", "user_media",
    "business_basic", "business_content_publish", "business_content_publishing",
    "business_manage_comments", "business_manage_messages", "instagram_business_content_publishing",
}
LEGACY_SCOPES = ("basic", "public_content", "follower_list", "comments", "relationships", "likes")

NUMBER_SETTINGS = (
    "CONNECT_TIMEOUT", "READ_TIMEOUT", "RETRY_BACKOFF_CAP", "RETRY_AFTER_CAP", "PUBLISH_TIMEOUT", "PUBLISH_POLL_INTERVAL",
)
INTEGER_SETTINGS = (
    "MAX_RETRIES", "CACHE_TIMEOUT", "REFRESH_WITHIN_DAYS", "RATE_LIMIT_THRESHOLD", "WEBHOOK_DEDUPLICATION_TIMEOUT",
)
BOOLEAN_SETTINGS = ("SANDBOX", "SIGNED_REQUESTS", "SANDBOX_PLACEHOLDER_IMAGES")
STRING_SETTINGS = (
    "CLIENT_ID", "CLIENT_SECRET", "REDIRECT_URI", "ACCESS_TOKEN", "GRAPH_API_VERSION", "LOGIN_REDIRECT_URL",
    "CACHE_ALIAS", "WEBHOOK_VERIFY_TOKEN", "APP_SECRET", "ADAPTER", "SANDBOX_APP_NAME",
)

#: Settings whose values must not appear in a check message, because check output reaches logs.
SECRET_SETTINGS = ("CLIENT_SECRET", "ACCESS_TOKEN", "TOKEN_ENCRYPTION_KEYS", "WEBHOOK_VERIFY_TOKEN", "APP_SECRET")


def _error(number: int, message: str, hint: str) -> checks.Error:
    return checks.Error(message, hint=hint, id=f"django_instagram.E{number:03d}")


@checks.register(checks.Tags.security, "django_instagram")
def check_settings(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    raw = getattr(settings, "INSTAGRAM", {})
    if not isinstance(raw, dict):
        return [_error(10, f"INSTAGRAM must be a dict, not {type(raw).__name__}.", "Set INSTAGRAM = {...} in your settings.")]
    instagram_settings.reload()
    problems = _unknown_keys(raw) + _types(raw)
    if problems:
        return problems
    return (
        _credentials() + _redirect_uri() + _api_and_scopes() + _sandbox() + _encryption_keys() + _adapter()
        + _graph_version() + _cache_alias() + _webhook_fields()
    )


def _unknown_keys(raw: dict) -> list[checks.CheckMessage]:
    return [
        _error(7, f'INSTAGRAM["{key}"] is not a known setting.', f"Remove it, or use one of: {', '.join(sorted(DEFAULTS))}.")
        for key in sorted(map(str, set(raw) - set(DEFAULTS)))
    ]


def _types(raw: dict) -> list[checks.CheckMessage]:
    problems = []
    for key, value in raw.items():
        expected = _expected_type(key, value)
        if expected:
            shown = f"a {type(value).__name__}" if key in SECRET_SETTINGS else repr(value)
            problems.append(_error(8, f'INSTAGRAM["{key}"] is {shown}; it must be {expected}.', f'Set INSTAGRAM["{key}"] to {expected}.'))
    return problems


def _expected_type(key: str, value) -> str | None:
    if key in NUMBER_SETTINGS and (isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0):
        return "a positive number of seconds"
    if key in INTEGER_SETTINGS and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        return "a non-negative integer"
    if key == "RATE_LIMIT_THRESHOLD" and value > 100:
        return "a percentage from 0 to 100"
    if key in BOOLEAN_SETTINGS and not isinstance(value, bool):
        return "True or False"
    if key in STRING_SETTINGS and value is not None and not isinstance(value, str):
        return "a string"
    if key == "SCOPES" and value is not None and (
        isinstance(value, str) or not all(isinstance(scope, str) for scope in _iterable(value))
    ):
        return 'a list of scope names, such as ["instagram_business_basic"]'
    if key == "WEBHOOK_FIELDS" and value is not None and (
        isinstance(value, str) or not all(isinstance(name, str) for name in _iterable(value))
    ):
        return 'a list of webhook field names, such as ["comments", "messages"]'
    if key == "TOKEN_ENCRYPTION_KEYS" and value is not None and (
        isinstance(value, str) or not all(isinstance(k, (str, bytes)) for k in _iterable(value))
    ):
        return "a list of Fernet keys, newest first"
    return None


def _iterable(value):
    try:
        return list(value)
    except TypeError:
        return [object()]


def _credentials() -> list[checks.CheckMessage]:
    problems = []
    for number, name in enumerate(ENVIRONMENT_FALLBACKS, start=1):
        if not getattr(instagram_settings, name):
            problems.append(_error(
                number,
                f'INSTAGRAM["{name}"] is not set.',
                f'Add "{name}" to the INSTAGRAM dict in your settings, or set the environment variable '
                f"INSTAGRAM_{name}. Find the value under Instagram > API setup with Instagram login in the Meta app dashboard.",
            ))
    return problems


def _redirect_uri() -> list[checks.CheckMessage]:
    uri = instagram_settings.REDIRECT_URI
    if not uri:
        return []
    try:
        parts = urlsplit(uri)
    except ValueError:  # such as an unclosed "[" of an IPv6 host
        parts = urlsplit("")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return [_error(4, f'INSTAGRAM["REDIRECT_URI"] is {uri!r}, not an absolute http(s) URL.',
                       'Set it to the exact callback URL registered with Instagram, such as "https://example.com/instagram/callback/".')]
    if parts.fragment or uri.endswith("#"):
        # OAuth 2.0 (RFC 6749, section 3.1.2) forbids a fragment in a redirection URI.
        return [_error(4, f'INSTAGRAM["REDIRECT_URI"] is {uri!r}, which contains a fragment ("#...").',
                       "Remove everything from \"#\" on, so it is the exact callback URL registered with Instagram.")]
    if parts.scheme == "http" and not settings.DEBUG and not instagram_settings.SANDBOX:
        return [_error(5, f'INSTAGRAM["REDIRECT_URI"] is {uri!r}, which uses http:// outside DEBUG.',
                       "Instagram sends the authorisation code to this URL: use https:// in production.")]
    return []


def _api_and_scopes() -> list[checks.CheckMessage]:
    api = instagram_settings.API
    if api not in ("graph", "legacy"):
        return [_error(6, f'INSTAGRAM["API"] is {api!r}.', 'Set it to "graph" (Instagram API with Instagram Login) or "legacy" (the v1 API).')]
    scopes = list(instagram_settings.scopes)
    if api == "legacy":
        unknown = [scope for scope in scopes if scope not in LEGACY_SCOPES]
        if unknown:
            return [_error(9, f'INSTAGRAM["SCOPES"] has unknown v1 scopes: {", ".join(unknown)}.', f"Use only {', '.join(LEGACY_SCOPES)}.")]
        return []
    retired = [scope for scope in scopes if scope in RETIRED_SCOPES]
    unknown = [scope for scope in scopes if scope not in CURRENT_GRAPH_SCOPES and scope not in RETIRED_SCOPES]
    problems = []
    if retired:
        problems.append(_error(
            9, f'INSTAGRAM["SCOPES"] contains retired scopes: {", ".join(retired)}.',
            f"Instagram no longer accepts them. Use the current names: {', '.join(CURRENT_GRAPH_SCOPES)}.",
        ))
    if unknown:
        problems.append(_error(11, f'INSTAGRAM["SCOPES"] contains unknown scopes: {", ".join(unknown)}.',
                               f"Use {', '.join(CURRENT_GRAPH_SCOPES)}."))
    if "instagram_business_basic" not in scopes:
        problems.append(_error(12, 'INSTAGRAM["SCOPES"] lacks instagram_business_basic.', "Instagram requires it for every login; add it first."))
    return problems


def _sandbox() -> list[checks.CheckMessage]:
    if instagram_settings.SANDBOX and not apps.is_installed("django_instagram.sandbox"):
        return [_error(13, 'INSTAGRAM["SANDBOX"] is True but django_instagram.sandbox is not installed.',
                       'Add "django_instagram.sandbox" to INSTALLED_APPS and include django_instagram.sandbox.urls.')]
    if instagram_settings.SANDBOX and not settings.DEBUG:
        return [checks.Warning('INSTAGRAM["SANDBOX"] is True outside DEBUG.',
                               hint="The sandbox answers with recorded data instead of Instagram; turn it off in production.",
                               id="django_instagram.W002")]
    return []


def _encryption_keys() -> list[checks.CheckMessage]:
    from . import crypto
    from .exceptions import InstagramConfigurationError

    try:
        crypto.fernet()
    except InstagramConfigurationError as error:
        return [_error(14, str(error), 'Replace that key, and keep the keys of INSTAGRAM["TOKEN_ENCRYPTION_KEYS"] '
                                       "in order, newest first.")]
    if crypto.uses_derived_key() and not settings.DEBUG:
        return [checks.Warning(
            "Instagram tokens are encrypted with a key derived from SECRET_KEY.",
            hint='Changing SECRET_KEY would make every stored token unreadable. Set INSTAGRAM["TOKEN_ENCRYPTION_KEYS"] '
                 "to a list of Fernet keys (newest first).",
            id="django_instagram.W001",
        )]
    return []


def _adapter() -> list[checks.CheckMessage]:
    from django.utils.module_loading import import_string

    path = instagram_settings.ADAPTER
    try:
        import_string(path)
    except ImportError as error:
        return [_error(15, f'INSTAGRAM["ADAPTER"] is {path!r}, which cannot be imported: {error}',
                       'Set it to the dotted path of a DefaultAdapter subclass, such as '
                       '"django_instagram.adapter.DefaultAdapter".')]
    return []


_GRAPH_VERSION = re.compile(r"v\d+\.\d+")


def _graph_version() -> list[checks.CheckMessage]:
    version = instagram_settings.GRAPH_API_VERSION
    if version and not _GRAPH_VERSION.fullmatch(version):
        return [_error(16, f'INSTAGRAM["GRAPH_API_VERSION"] is {version!r}, not a version such as "v26.0".',
                       'Set it to "v" followed by the major and minor version, or to "" for unversioned paths.')]
    return []


def _cache_alias() -> list[checks.CheckMessage]:
    alias = instagram_settings.CACHE_ALIAS
    if alias not in getattr(settings, "CACHES", {}):
        return [_error(17, f'INSTAGRAM["CACHE_ALIAS"] is {alias!r}, which is not a key of CACHES.',
                       f"Use one of: {', '.join(map(repr, getattr(settings, 'CACHES', {}))) or 'default'}.")]
    return []


def _webhook_fields() -> list[checks.CheckMessage]:
    fields = list(instagram_settings.WEBHOOK_FIELDS or ())
    unknown = [name for name in dict.fromkeys(fields) if name not in WEBHOOK_FIELDS]
    if unknown:
        return [_error(18, f'INSTAGRAM["WEBHOOK_FIELDS"] contains unknown webhook fields: {", ".join(unknown)}.',
                       f"Use only {', '.join(WEBHOOK_FIELDS)}.")]
    if instagram_settings.API != "graph":
        return []
    scopes = set(instagram_settings.scopes)
    missing = sorted({WEBHOOK_FIELD_SCOPES[name] for name in fields} - scopes)
    if missing:
        return [checks.Warning(
            f'INSTAGRAM["WEBHOOK_FIELDS"] needs the scopes {", ".join(missing)}, which INSTAGRAM["SCOPES"] does not '
            "request, so subscribing a linked account to them fails.",
            hint='Add them to INSTAGRAM["SCOPES"], or remove the fields that need them from INSTAGRAM["WEBHOOK_FIELDS"].',
            id="django_instagram.W012",
        )]
    return []


# Webhook and callback checks are registered apart, with the URL tag, because they depend on the
# URLconf. Including django_instagram.urls routes the webhook and Meta's callbacks.
@checks.register(checks.Tags.security, checks.Tags.urls)
def check_webhook_settings(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Warn when the webhook or Meta's callbacks are routed but cannot verify Meta's requests."""
    raw = getattr(settings, "INSTAGRAM", {})
    if not isinstance(raw, dict) or _unknown_keys(raw) or _types(raw):
        return []  # check_settings reports these first

    instagram_settings.reload()
    problems = []
    if _routed("webhook") and not instagram_settings.WEBHOOK_VERIFY_TOKEN:
        problems.append(checks.Warning(
            'The Instagram webhook is routed but INSTAGRAM["WEBHOOK_VERIFY_TOKEN"] is not set, so it rejects '
            "Meta's subscription check.",
            hint='Set INSTAGRAM["WEBHOOK_VERIFY_TOKEN"] to the Verify Token entered with the callback URL under '
                 "Webhooks in the Meta app dashboard.",
            id="django_instagram.W010",
        ))
    routed = [name for name in ("webhook", "deauthorize", "data_deletion") if _routed(name)]
    if routed and not instagram_settings.app_secrets:
        problems.append(checks.Warning(
            f"The Instagram {', '.join(routed)} views are routed but no app secret is set, so they reject every "
            "request from Meta.",
            hint='Set INSTAGRAM["APP_SECRET"] (or INSTAGRAM["CLIENT_SECRET"]) to the Instagram app secret.',
            id="django_instagram.W011",
        ))
    return problems


def _routed(name: str) -> bool:
    # NOTE: only finds the views under the default "django_instagram" namespace.
    if not getattr(settings, "ROOT_URLCONF", None):
        return False
    try:
        reverse(f"django_instagram:{name}")
    except NoReverseMatch:
        return False
    except (ImportError, ImproperlyConfigured):  # Django's own URL checks report a broken URLconf
        return False
    return True
