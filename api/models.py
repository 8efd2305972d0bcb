"""API tokens: personal ones a member creates in their settings, service ones staff create
in the admin for an integration. Only a SHA-256 digest of the secret is stored; the first
characters (``prefix``) are kept in clear so a member can tell their tokens apart."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

SCOPES = {
    "read": "Read what you can see on the site",
    "write": "Post, support and review as you",
    "staff": "Staff actions (brand replies, follow-ups)",
}


class ApiToken(models.Model):
    class Kind(models.TextChoices):
        PERSONAL = "personal", "Personal"
        SERVICE = "service", "Service (an integration)"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="hearth_api_tokens",
        help_text="The account the token acts as: every rule of that account applies.",
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PERSONAL)
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=16, editable=False, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "API token"
        ordering = ("-created_at", "-pk")
        indexes = [models.Index(fields=("user", "-created_at"), name="api_token_user_created")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired()

    @property
    def scope_list(self) -> str:
        return ", ".join(s for s in SCOPES if s in self.scopes)
