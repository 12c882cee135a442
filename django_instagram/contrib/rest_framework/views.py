"""Viewsets of the REST API: linked accounts, their media and profile, one media and its comments.

Every Instagram read goes through ``django_instagram.feeds``, so it is cached per account like
the template tags, and errors become responses through ``exceptions.exception_handler``.
"""

from __future__ import annotations

import logging

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.schemas.openapi import AutoSchema

from ... import feeds, maintenance
from ...accounts import unlink_account
from ...models import InstagramAccount
from ...services.subscriptions import unsubscribe_linked_account
from .exceptions import InvalidRequest, exception_handler
from .pagination import AccountPagination, InstagramCursorPagination
from .permissions import IsOwnerOrStaff, is_staff
from .serializers import CommentSerializer, InstagramAccountSerializer, MediaSerializer, ProfileSerializer

logger = logging.getLogger(__name__)


class InstagramSchema(AutoSchema):
    """Describe the custom actions: paginated media and the comment list."""

    def get_operation_id_base(self, path, method, action):
        # DRF pluralises list names with the optional inflection package, so name them here.
        if action == "list":
            return f"{self.operation_id_base}s"
        return self.operation_id_base

    def get_pagination_parameters(self, path, method):
        if getattr(self.view, "action", None) == "media":
            return InstagramCursorPagination().get_schema_operation_parameters(self.view)
        return super().get_pagination_parameters(path, method)

    def get_responses(self, path, method):
        responses = super().get_responses(path, method)
        action_name = getattr(self.view, "action", None)
        if action_name not in ("media", "comments"):
            return responses
        for content in responses["200"]["content"].values():
            array = {"type": "array", "items": content["schema"]}
            paginated = action_name == "media"
            content["schema"] = InstagramCursorPagination().get_paginated_response_schema(array) if paginated else array
        return responses


class InstagramAPIView:
    permission_classes = [IsAuthenticated, IsOwnerOrStaff]

    def get_exception_handler(self):
        return exception_handler

    def accounts(self):
        """Return the accounts the requester may use: their own, or every account for staff."""
        queryset = InstagramAccount.objects.select_related("user").order_by("created")
        if is_staff(self.request.user):
            return queryset
        return queryset.filter(user=self.request.user)


class AccountViewSet(InstagramAPIView, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                     mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """Linked Instagram accounts. ``DELETE`` unlinks the account and drops its token.

    With ``INSTAGRAM["WEBHOOK_FIELDS"]`` set, ``DELETE`` first removes a Graph account's webhook
    subscription, on a best-effort basis.
    """

    serializer_class = InstagramAccountSerializer
    queryset = InstagramAccount.objects.none()
    pagination_class = AccountPagination
    schema = InstagramSchema(operation_id_base="InstagramAccount")
    action_serializers = {"media": MediaSerializer, "profile": ProfileSerializer}

    def get_queryset(self):
        return self.accounts()

    def get_serializer_class(self):
        return self.action_serializers.get(self.action, InstagramAccountSerializer)

    def perform_destroy(self, account):
        logger.info("User %s unlinked Instagram account %s through the API.", self.request.user.pk, account.pk)
        unsubscribe_linked_account(account)
        unlink_account(account)

    @action(detail=True, methods=["post"])
    def refresh(self, request, pk=None):
        """Refresh the account's long-lived token now (Graph accounts; v1 tokens cannot be refreshed)."""
        account = self.get_object()
        maintenance.refresh_account(account)
        account.refresh_from_db()
        return Response(InstagramAccountSerializer(account, context=self.get_serializer_context()).data)

    @action(detail=True, methods=["get"])
    def media(self, request, pk=None):
        """List the account's recent media, newest first, one Instagram page per API page."""
        account = self.get_object()
        paginator = InstagramCursorPagination()
        page = feeds.media_page(account, paginator.get_page_size(request), paginator.get_cursor(request))
        items = paginator.paginate_instagram_page(page, request, account.api)
        return paginator.get_paginated_response(MediaSerializer(items, many=True).data)

    @action(detail=True, methods=["get"])
    def profile(self, request, pk=None):
        """Return the account's profile as Instagram returns it now (cached like media)."""
        account = self.get_object()
        return Response(ProfileSerializer(feeds.profile(account)).data)


class MediaViewSet(InstagramAPIView, viewsets.GenericViewSet):
    """One media by its Instagram id, read with one of the requester's accounts.

    ``?account=<id>`` names the account. Without it, the account is the requester's only one,
    or (v1 ids end in ``_<owner id>``) the one whose Instagram user id ends the media id.
    """

    serializer_class = MediaSerializer
    schema = InstagramSchema(operation_id_base="Media")
    lookup_value_regex = r"[^/]+"
    queryset = InstagramAccount.objects.none()

    def get_serializer_class(self):
        return CommentSerializer if self.action == "comments" else MediaSerializer

    def retrieve(self, request, pk=None):
        account = self.reading_account(pk)
        return Response(MediaSerializer(feeds.media_detail(account, pk)).data)

    @action(detail=True, methods=["get"])
    def comments(self, request, pk=None):
        """List the comments of the media, with replies on the Graph API."""
        account = self.reading_account(pk)
        return Response(CommentSerializer(feeds.media_comments(account, pk), many=True).data)

    def reading_account(self, media_id: str) -> InstagramAccount:
        """Pick the account that reads ``media_id``, or respond 400 with code ``account_required``."""
        accounts = self.accounts()
        requested = self.request.query_params.get("account")
        if requested is not None:
            if not requested.isdigit():
                raise InvalidRequest(
                    _("Invalid account id %(value)r: use the id from accounts/.") % {"value": requested},
                    code="invalid_account",
                )
            account = get_object_or_404(accounts, pk=int(requested))
            self.check_object_permissions(self.request, account)
            return account

        candidates = list(accounts[:2]) if not is_staff(self.request.user) else []
        if len(candidates) == 1:
            return candidates[0]
        owner_id = media_id.rpartition("_")[2] if "_" in media_id else None
        owner = accounts.filter(api=InstagramAccount.Api.LEGACY, instagram_user_id=owner_id).first() if owner_id else None
        if owner is not None:
            return owner
        raise InvalidRequest(
            _("Name the account that reads this media with ?account=<id> (see accounts/)."), code="account_required"
        )
