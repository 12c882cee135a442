"""The ``InstagramAccount`` model: one Instagram account linked to one site user, with its token."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import crypto
from .client.types import mask_token


class InstagramAccountQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=InstagramAccount.Status.ACTIVE)

    def expiring_within(self, delta: timedelta):
        return self.active().filter(token_expires_at__isnull=False, token_expires_at__lte=timezone.now() + delta)


class InstagramAccount(models.Model):
    class Api(models.TextChoices):
        GRAPH = "graph", _("Instagram API with Instagram Login")
        LEGACY = "legacy", _("Legacy v1 API")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        NEEDS_REAUTH = "needs_reauth", _("Needs re-authorisation")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="instagram_accounts",
        verbose_name=_("site user"),
    )
    api = models.CharField(_("API"), max_length=16, choices=Api.choices, default=Api.GRAPH)
    instagram_user_id = models.CharField(
        _("Instagram user id"), max_length=64,
        help_text=_("The Instagram account id (Graph user_id, the id webhooks use; v1 user id)."),
    )
    app_scoped_id = models.CharField(_("app-scoped id"), max_length=64, blank=True)
    username = models.CharField(_("Instagram username"), max_length=150, blank=True)
    full_name = models.CharField(_("full name"), max_length=255, blank=True)
    profile_picture_url = models.URLField(_("profile picture URL"), max_length=1024, blank=True)
    account_type = models.CharField(_("account type"), max_length=32, blank=True)
    scopes = models.JSONField(_("granted scopes"), default=list, blank=True)
    # The column contains Fernet ciphertext. Read and write the token through ``access_token``.
    token_ciphertext = models.TextField(_("encrypted access token"), db_column="access_token", editable=False)
    token_expires_at = models.DateTimeField(_("token expires at"), null=True, blank=True)
    token_refreshed_at = models.DateTimeField(_("token refreshed at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    last_error = models.TextField(_("last error"), blank=True)
    last_checked_at = models.DateTimeField(_("last checked at"), null=True, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = InstagramAccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("Instagram account")
        verbose_name_plural = _("Instagram accounts")
        ordering = ("-created",)
        constraints = [
            models.UniqueConstraint(
                fields=("api", "instagram_user_id"), name="django_instagram_one_owner_per_account"
            ),
        ]

    def __str__(self) -> str:
        return f"@{self.username}" if self.username else f"Instagram account {self.instagram_user_id}"

    def __repr__(self) -> str:
        return (
            f"<InstagramAccount pk={self.pk!r} user_id={self.user_id!r} api={self.api!r} "
            f"instagram_user_id={self.instagram_user_id!r} status={self.status!r}>"
        )

    @property
    def access_token(self) -> str:
        return crypto.decrypt(self.token_ciphertext) if self.token_ciphertext else ""

    @access_token.setter
    def access_token(self, token: str) -> None:
        self.token_ciphertext = crypto.encrypt(token) if token else ""

    @property
    def masked_token(self) -> str:
        try:
            return mask_token(self.access_token)
        except Exception:  # a key problem must not break an admin page; the check reports it
            return "…"

    @property
    def needs_reauth(self) -> bool:
        return self.status == self.Status.NEEDS_REAUTH

    def is_expired(self, now=None) -> bool:
        now = now or timezone.now()
        return self.token_expires_at is not None and self.token_expires_at <= now

    def expires_soon(self, within: timedelta = timedelta(days=7), now=None) -> bool:
        now = now or timezone.now()
        return self.token_expires_at is not None and now < self.token_expires_at <= now + within


class DataDeletionRequest(models.Model):
    """A data-deletion request Meta sent for an Instagram user, and how far it got.

    The row stores no Instagram id, so it keeps nothing of the user it deleted; the confirmation
    code is what Meta shows the user, and the status page looks the request up by it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        COMPLETED = "completed", _("Completed")
        FAILED = "failed", _("Failed")

    confirmation_code = models.CharField(_("confirmation code"), max_length=64, unique=True, editable=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    accounts_deleted = models.PositiveIntegerField(_("accounts deleted"), default=0)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("data deletion request")
        verbose_name_plural = _("data deletion requests")
        ordering = ("-created",)

    def __str__(self) -> str:
        return f"Data deletion request {self.confirmation_code} ({self.status})"
