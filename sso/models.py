"""The shop's log-in connector's rows (docs/sso.md).

``ShopAccount`` links a member to the customer id the shop gave them: one customer id per
member and one member per customer id. ``UsedNonce`` remembers each signed payload's nonce
once used, so the same link cannot log anyone in twice; nonces are purged once their payloads
have expired (``sso.tasks.purge_used_nonces``). Sign-ins through OpenID Connect, Google and
GitHub are allauth's ``socialaccount.SocialAccount`` rows.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ShopAccount(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="shop_account")
    external_id = models.CharField("customer id in the shop", max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_login_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "shop account link"

    def __str__(self) -> str:
        return f"shop customer {self.external_id}"


class UsedNonce(models.Model):
    nonce = models.CharField(max_length=128, unique=True)
    used_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return self.nonce
