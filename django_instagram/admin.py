"""Admin for linked Instagram accounts. The token is never shown, searchable or editable."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import InstagramAccount


@admin.register(InstagramAccount)
class InstagramAccountAdmin(admin.ModelAdmin):
    list_display = ("username", "user", "api", "status", "token_expires_at", "token_refreshed_at")
    list_filter = ("status", "api")
    list_select_related = ("user",)
    search_fields = ("username",)
    raw_id_fields = ("user",)
    readonly_fields = ("masked_token", "instagram_user_id", "app_scoped_id", "token_expires_at",
                       "token_refreshed_at", "scopes", "last_error", "created", "updated")
    exclude = ("token_ciphertext",)

    @admin.display(description=_("access token"))
    def masked_token(self, account):
        return account.masked_token
