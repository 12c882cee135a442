"""Sandbox state between requests: codes, tokens and the writes made through the sandbox.

The state is in the database, so several web processes of a development site see the same data.
"""

from __future__ import annotations

from django.db import models


class SandboxCode(models.Model):
    code = models.CharField(max_length=128, unique=True)
    api = models.CharField(max_length=16)
    client_id = models.CharField(max_length=255)
    redirect_uri = models.TextField()
    scopes = models.JSONField(default=list)
    instagram_user_id = models.CharField(max_length=64)
    created = models.DateTimeField(auto_now_add=True)
    used = models.BooleanField(default=False)


class SandboxToken(models.Model):
    class Kind(models.TextChoices):
        LEGACY = "legacy"
        SHORT_LIVED = "short"
        LONG_LIVED = "long"

    token = models.CharField(max_length=255, unique=True)
    api = models.CharField(max_length=16)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    scopes = models.JSONField(default=list)
    instagram_user_id = models.CharField(max_length=64)
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)
    calls = models.PositiveIntegerField(default=0)


class SandboxAction(models.Model):
    """A like, comment or relationship change made through the sandbox, shown in later reads."""

    class Kind(models.TextChoices):
        LIKE = "like"
        COMMENT = "comment"
        COMMENT_DELETED = "comment_deleted"
        RELATIONSHIP = "relationship"
        HIDDEN = "hidden"

    instagram_user_id = models.CharField(max_length=64)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    target_id = models.CharField(max_length=128)
    text = models.TextField(blank=True)
    value = models.CharField(max_length=64, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=("instagram_user_id", "kind", "target_id"))]
