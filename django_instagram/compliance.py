"""Meta's deauthorize and data-deletion callbacks, and the page that shows a deletion's status.

Meta posts both callbacks form-encoded with one parameter, ``signed_request``, whose payload names
the Instagram user in ``user_id``. They fail closed: without an app secret, or with a signature
that does not match, they return 403 and change nothing.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from . import signals, signed_request
from .accounts import unlink_account
from .cache import invalidate_account
from .conf import instagram_settings
from .models import DataDeletionRequest, InstagramAccount

logger = logging.getLogger(__name__)

STATUS_TEMPLATE = "django_instagram/data_deletion_status.html"


class CallbackRejected(Exception):
    """The callback's request is not from Meta or is malformed. ``response`` is the 400 or 403 to return."""

    def __init__(self, response: HttpResponse) -> None:
        super().__init__(response.status_code)
        self.response = response


@sensitive_post_parameters("signed_request")
@csrf_exempt
@never_cache
@require_POST
def deauthorize(request: HttpRequest) -> HttpResponse:
    """Unlink every account of the Instagram user who removed the app."""
    try:
        instagram_user_id = _verified_user_id(request, "deauthorize")
    except CallbackRejected as rejection:
        return rejection.response

    unlinked = _unlink_all(_accounts_of(instagram_user_id))
    logger.info("Deauthorize callback for Instagram user %s unlinked %d accounts.", instagram_user_id, unlinked)
    return HttpResponse(status=200)


@sensitive_post_parameters("signed_request")
@csrf_exempt
@never_cache
@require_POST
def data_deletion(request: HttpRequest) -> HttpResponse:
    """Delete the Instagram user's accounts and cached data, and return the status URL and code."""
    try:
        instagram_user_id = _verified_user_id(request, "data-deletion")
    except CallbackRejected as rejection:
        return rejection.response

    deletion = DataDeletionRequest.objects.create(confirmation_code=secrets.token_hex(16))
    _delete(deletion, instagram_user_id)

    status_url = reverse("django_instagram:data_deletion_status", args=[deletion.confirmation_code])
    return JsonResponse({
        "url": request.build_absolute_uri(status_url),
        "confirmation_code": deletion.confirmation_code,
    })


@never_cache
@require_GET
def data_deletion_status(request: HttpRequest, confirmation_code: str) -> HttpResponse:
    """Show the status of one data-deletion request to anyone with its confirmation code."""
    deletion = get_object_or_404(DataDeletionRequest, confirmation_code=confirmation_code)
    return render(request, STATUS_TEMPLATE, {"deletion": deletion})


def _verified_user_id(request: HttpRequest, callback: str) -> str:
    """Return the ``user_id`` of a verified ``signed_request``, or raise ``CallbackRejected``."""
    app_secrets = instagram_settings.app_secrets
    if not app_secrets:
        logger.error('Rejected the %s callback: neither INSTAGRAM["APP_SECRET"] nor INSTAGRAM["CLIENT_SECRET"] is set.', callback)
        raise CallbackRejected(HttpResponseForbidden())

    try:
        payload = signed_request.parse(request.POST.get("signed_request", ""), app_secrets)
    except signed_request.SignatureMismatchError:
        logger.warning("Rejected the %s callback: the signed_request signature does not match the app secret.", callback)
        raise CallbackRejected(HttpResponseForbidden()) from None
    except signed_request.SignedRequestError as error:
        logger.warning("Rejected the %s callback: %s", callback, error)
        raise CallbackRejected(HttpResponseBadRequest()) from None

    return _user_id(payload, callback)


def _user_id(payload: dict[str, Any], callback: str) -> str:
    user_id = payload.get("user_id")
    if isinstance(user_id, bool) or not isinstance(user_id, (str, int)) or str(user_id) == "":
        logger.warning("Rejected the %s callback: the signed_request payload has no user_id.", callback)
        raise CallbackRejected(HttpResponseBadRequest())
    return str(user_id)


def _accounts_of(instagram_user_id: str) -> QuerySet[InstagramAccount]:
    # NOTE: Meta does not document which id Instagram Login callbacks carry, so match both.
    return InstagramAccount.objects.filter(api=InstagramAccount.Api.GRAPH).filter(
        Q(instagram_user_id=instagram_user_id) | Q(app_scoped_id=instagram_user_id)
    )


def _unlink_all(accounts: QuerySet[InstagramAccount]) -> int:
    """Unlink each account (sending ``account_unlinked``) and drop what is cached for it."""
    count = 0
    for account in accounts:
        account_pk = account.pk
        unlink_account(account)
        invalidate_account(account_pk)
        count += 1
    return count


def _delete(deletion: DataDeletionRequest, instagram_user_id: str) -> None:
    """Delete the user's accounts, let receivers delete the rest, and record the outcome."""
    try:
        with transaction.atomic():
            deletion.accounts_deleted = _unlink_all(_accounts_of(instagram_user_id))
            signals.data_deletion_requested.send(
                sender=DataDeletionRequest, deletion_request=deletion, instagram_user_id=instagram_user_id
            )
    except Exception:  # any receiver may raise, and the request must still be recorded as failed
        logger.exception(
            "Data-deletion request %s for Instagram user %s failed.", deletion.pk, instagram_user_id
        )
        deletion.status = DataDeletionRequest.Status.FAILED
        deletion.accounts_deleted = 0
    else:
        logger.info(
            "Data-deletion request %s for Instagram user %s deleted %d accounts.",
            deletion.pk, instagram_user_id, deletion.accounts_deleted,
        )
        deletion.status = DataDeletionRequest.Status.COMPLETED
        deletion.completed_at = timezone.now()
    deletion.save(update_fields=["status", "accounts_deleted", "completed_at"])
