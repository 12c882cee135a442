"""Admin for linked Instagram accounts.

The token is never shown, searchable or editable: the change form shows at most its last four
characters (``…a1b2``), and the encrypted column is excluded from every form and search.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from . import maintenance
from .accounts import unlink_account
from .client.errors import InstagramError, OAuthAccessTokenError
from .exceptions import NeedsReauthorizationError
from .models import DataDeletionRequest, InstagramAccount
from .services.subscriptions import unsubscribe_linked_account
from .token_state import TokenState, filter_by_state, token_state

logger = logging.getLogger(__name__)


class TokenStateFilter(admin.SimpleListFilter):
    title = _("token state")
    parameter_name = "token_state"

    def lookups(self, request, model_admin):
        return TokenState.choices

    def queryset(self, request, queryset):
        if self.value() in TokenState.values:
            return filter_by_state(queryset, self.value())
        return queryset


class ExpiryFilter(admin.SimpleListFilter):
    title = _("token expiry")
    parameter_name = "expires"

    DAYS = {"7d": 7, "30d": 30}

    def lookups(self, request, model_admin):
        return (
            ("7d", _("Within 7 days")),
            ("30d", _("Within 30 days")),
            ("past", _("Already expired")),
            ("never", _("No expiry recorded")),
        )

    def queryset(self, request, queryset):
        now = timezone.now()
        value = self.value()
        if value in self.DAYS:
            return queryset.filter(token_expires_at__gt=now, token_expires_at__lte=now + timedelta(days=self.DAYS[value]))
        if value == "past":
            return queryset.filter(token_expires_at__lte=now)
        if value == "never":
            return queryset.filter(token_expires_at__isnull=True)
        return queryset


@admin.register(InstagramAccount)
class InstagramAccountAdmin(admin.ModelAdmin):
    list_display = (
        "__str__", "user", "api", "state", "token_expires_at", "token_refreshed_at", "granted_scopes",
        "short_last_error", "last_checked_at",
    )
    list_filter = (TokenStateFilter, "api", ExpiryFilter)
    # Every column reads the row or its user: one query for the page whatever its length.
    list_select_related = ("user",)
    # A site may have many users: a select box would load them all on every change form.
    raw_id_fields = ("user",)
    ordering = ("-created",)
    # The profile fields are copied from Instagram at each link and check, so editing them here
    # would only be overwritten.
    readonly_fields = (
        "username", "full_name", "profile_picture_url", "account_type",
        "masked_token", "instagram_user_id", "app_scoped_id", "state", "token_expires_at",
        "token_refreshed_at", "scopes", "status", "last_error", "last_checked_at", "created", "updated",
    )
    fieldsets = (
        (None, {"fields": ("user", "api", "instagram_user_id", "app_scoped_id")}),
        (_("Profile"), {"fields": ("username", "full_name", "profile_picture_url", "account_type")}),
        (_("Token"), {"fields": (
            "masked_token", "state", "status", "scopes", "token_expires_at", "token_refreshed_at",
            "last_error", "last_checked_at",
        )}),
        (_("History"), {"fields": ("created", "updated")}),
    )
    actions = ("refresh_tokens", "check_tokens", "unlink_accounts")

    def has_add_permission(self, request):
        # An account needs a token, and only the OAuth flow obtains one.
        return False

    def get_search_fields(self, request):
        # Search the user model's own login field, which is not always "username".
        return ("username", f"user__{get_user_model().USERNAME_FIELD}")

    def get_actions(self, request):
        # Deleting through the queryset would skip the unlink signal, so the unlink action replaces it.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def delete_model(self, request, obj):
        unsubscribe_linked_account(obj)
        unlink_account(obj)

    def delete_queryset(self, request, queryset):
        for account in queryset:
            unsubscribe_linked_account(account)
            unlink_account(account)

    @admin.display(description=_("access token"))
    def masked_token(self, account):
        return account.masked_token

    @admin.display(description=_("state"))
    def state(self, account):
        state = token_state(account)
        return format_html('<span class="instagram-state instagram-state--{}">{}</span>', state.value, state.label)

    @admin.display(description=_("granted scopes"))
    def granted_scopes(self, account):
        return ", ".join(str(scope) for scope in account.scopes or ()) or "—"

    @admin.display(description=_("last error"))
    def short_last_error(self, account):
        return Truncator(account.last_error).chars(80) or "—"

    @admin.action(description=_("Refresh token now"), permissions=["change"])
    def refresh_tokens(self, request, queryset):
        for account in queryset:
            self._refresh_one(request, account)

    def _refresh_one(self, request, account):
        label = str(account)
        try:
            maintenance.refresh_account(account)
        except maintenance.RefreshNotPossibleError as error:
            self.message_user(request, _gettext("%(account)s: %(reason)s") % {"account": label, "reason": error}, messages.WARNING)
        except InstagramError as error:
            logger.warning("Admin token refresh failed for Instagram account %s: %s", account.pk, error)
            self.message_user(request, _failure_message(label, error), messages.ERROR)
        else:
            self.message_user(request, _gettext("%(account)s: token refreshed.") % {"account": label}, messages.SUCCESS)

    @admin.action(description=_("Check token (read the profile)"), permissions=["change"])
    def check_tokens(self, request, queryset):
        for account in queryset:
            self._check_one(request, account)

    def _check_one(self, request, account):
        label = str(account)
        try:
            maintenance.check_account(account)
        except InstagramError as error:
            self.message_user(request, _failure_message(label, error), messages.ERROR)
        else:
            self.message_user(request, _gettext("%(account)s: token is valid.") % {"account": account}, messages.SUCCESS)

    @admin.action(description=_("Unlink selected accounts"), permissions=["delete"])
    def unlink_accounts(self, request, queryset):
        for account in queryset:
            label = str(account)
            unsubscribe_linked_account(account)
            unlink_account(account)
            self.message_user(request, _gettext("%(account)s: unlinked.") % {"account": label}, messages.SUCCESS)


def _failure_message(label: str, error: Exception) -> str:
    if isinstance(error, (NeedsReauthorizationError, OAuthAccessTokenError)):
        return _gettext(
            "%(account)s: Instagram rejected the token; the owner must connect Instagram again."
        ) % {"account": label}
    return _gettext("%(account)s: the request failed: %(error)s") % {"account": label, "error": error}


class InstagramAccountInline(admin.TabularInline):
    """The user's linked accounts on the user change page, read-only because linking needs OAuth."""

    model = InstagramAccount
    fk_name = "user"
    fields = ("username", "api", "state", "token_expires_at", "last_error")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True

    @admin.display(description=_("state"))
    def state(self, account):
        return token_state(account).label


def _add_inline_to_user_admin(site: admin.AdminSite) -> None:
    """Re-register the user model's admin with ``InstagramAccountInline`` appended to its inlines."""
    user_model = get_user_model()
    if not site.is_registered(user_model):
        return
    user_admin = type(site._registry[user_model])
    if InstagramAccountInline in user_admin.inlines:
        return
    site.unregister(user_model)
    extended = type(user_admin.__name__, (user_admin,), {"inlines": [*user_admin.inlines, InstagramAccountInline]})
    site.register(user_model, extended)



@admin.register(DataDeletionRequest)
class DataDeletionRequestAdmin(admin.ModelAdmin):
    """Meta's data-deletion requests, read-only because only Meta's callback creates them."""

    list_display = ("confirmation_code", "status", "accounts_deleted", "created", "completed_at")
    list_filter = ("status",)
    search_fields = ("confirmation_code",)
    readonly_fields = list_display
    date_hierarchy = "created"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


_add_inline_to_user_admin(admin.site)
