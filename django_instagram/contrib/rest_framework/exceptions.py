"""Instagram errors as DRF responses: an HTTP status, a ``detail`` and a machine-readable ``code``.

=========================================  ======  ==========================
Error                                      Status  ``code``
=========================================  ======  ==========================
token rejected, account needs re-auth      409     ``needs_reauthorization``
rate limit (``Retry-After`` header set)    429     ``rate_limited``
Instagram down, timed out, 5xx             503     ``instagram_unavailable``
object not found on Instagram              404     ``instagram_not_found``
missing scope, private object              403     ``instagram_permission_denied``
call not offered by the account's API      400     ``not_supported``
token cannot be refreshed (now or ever)    409     ``refresh_not_possible``
any other Instagram error                  502     ``instagram_error``
=========================================  ======  ==========================

A rejected token answers 409, not 401: the client's own authentication to this site is fine,
and a 401 would make clients drop their session. Every other DRF error gets a ``code`` too.
"""

from __future__ import annotations

import logging
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

from ...client.errors import (
    InstagramAPIError, InstagramError, InstagramTransportError, NotAllowedError, NotFoundError,
    NotSupportedError, OAuthAccessTokenError, OAuthPermissionsError, RateLimitError,
)
from ...exceptions import AccountError, NeedsReauthorizationError
from ...maintenance import RefreshNotPossibleError

logger = logging.getLogger(__name__)

#: Seconds to announce in ``Retry-After`` when Instagram rate-limited without saying how long.
DEFAULT_RETRY_AFTER = 60


class NeedsReauthorization(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("Instagram rejected this account's token. The owner must connect Instagram again.")
    default_code = "needs_reauthorization"


class RateLimited(exceptions.Throttled):
    default_detail = _("Instagram's rate limit for this account is reached.")
    default_code = "rate_limited"


class InstagramUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = _("Instagram is not answering right now. Try again in a few minutes.")
    default_code = "instagram_unavailable"


class InstagramNotFound(exceptions.NotFound):
    default_detail = _("Instagram has no such object, or this account may not see it.")
    default_code = "instagram_not_found"


class InstagramPermissionDenied(exceptions.PermissionDenied):
    default_detail = _("Instagram did not allow this account to read that.")
    default_code = "instagram_permission_denied"


class NotSupported(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "not_supported"


class RefreshNotPossible(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "refresh_not_possible"


class AccountProblem(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "account_error"


class InvalidRequest(exceptions.APIException):
    """A query parameter is invalid or missing; ``code`` names which rule failed."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"


class InstagramFailed(exceptions.APIException):
    status_code = status.HTTP_502_BAD_GATEWAY
    default_code = "instagram_error"


def to_api_exception(error: Exception) -> exceptions.APIException:
    """Map an error of django_instagram to the DRF exception the table in this module names."""
    if isinstance(error, (NeedsReauthorizationError, OAuthAccessTokenError)):
        return NeedsReauthorization()
    if isinstance(error, RateLimitError):
        return RateLimited(wait=error.retry_after or DEFAULT_RETRY_AFTER)
    if _is_outage(error):
        return InstagramUnavailable()
    if isinstance(error, NotFoundError):
        return InstagramNotFound()
    if isinstance(error, (OAuthPermissionsError, NotAllowedError)):
        return InstagramPermissionDenied(detail=_("Instagram did not allow this: %(reason)s") % {"reason": error.message})
    if isinstance(error, NotSupportedError):
        return NotSupported(detail=str(error))
    if isinstance(error, RefreshNotPossibleError):
        return RefreshNotPossible(detail=str(error))
    if isinstance(error, AccountError):
        return AccountProblem(detail=str(error))
    return InstagramFailed(detail=_("Instagram returned an error: %(reason)s") % {"reason": _reason(error)})


def _is_outage(error: Exception) -> bool:
    if isinstance(error, InstagramTransportError):
        return True
    return isinstance(error, InstagramAPIError) and (error.is_transient or (error.status_code or 0) >= 500)


def _reason(error: Exception) -> str:
    return error.message if isinstance(error, InstagramAPIError) else str(error)


def exception_handler(error: Exception, context: dict[str, Any]):
    """Convert django_instagram's errors as the table says, and add ``code`` to every DRF error."""
    if isinstance(error, InstagramError):
        logger.warning(
            "REST call %s for account %s failed: %s", context["view"].__class__.__name__,
            context.get("kwargs", {}).get("pk"), error,
        )
        error = to_api_exception(error)
    response = drf_exception_handler(error, context)
    if response is None or not isinstance(response.data, dict):
        return response

    detail = response.data.get("detail")
    if detail is not None and "code" not in response.data:
        response.data["code"] = getattr(detail, "code", None) or getattr(error, "default_code", "error")
    return response
