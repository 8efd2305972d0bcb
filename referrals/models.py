"""Referrals: a member's link, the friends who signed up through it, and their state."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class ReferralCode(models.Model):
    """A member's referral code: the unguessable part of their link ``/r/<code>/``. Made the
    first time they open their referrals page."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="referral_code")
    code = models.CharField(max_length=32, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.code


class Referral(models.Model):
    """A friend who signed up through an advocate's link. Pending until the friend's first
    paid order; then completed (both rewarded) or held for staff review by a fraud rule, and a
    held referral is approved (rewarded) or rejected by staff. A member is referred once."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for their first order"
        HELD = "held", "Being checked by our team"
        COMPLETED = "completed", "Completed"
        REJECTED = "rejected", "Not rewarded"

    class Reason(models.TextChoices):
        SIMILAR_EMAIL = "similar_email", "The friend's email is the same as or nearly the advocate's"
        SAME_EMAIL = "same_email", "The friend and the advocate share a verified email"
        SAME_CUSTOMER = "same_customer", "The friend and the advocate have ordered as the same shop customer"
        ADDRESS_VOLUME = "address_volume", "Many referral sign-ups came from the friend's address in one week"
        NOT_FIRST_ORDER = "not_first_order", "The order is not the friend's first"
        ADVOCATE_ORDER = "advocate_order", "The order was placed by the advocate"

    advocate = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                 related_name="referrals_made")
    friend = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="referred_by")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    signup_ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # The order that settled it (pending -> completed or held), as the shop announced it.
    order_id = models.BigIntegerField(null=True, blank=True)
    order_email = models.EmailField(blank=True)
    order_customer_id = models.CharField(max_length=100, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)
    # Why it is held: Reason values, and a sentence per reason with the facts, for staff.
    hold_reasons = models.JSONField(default=list, blank=True)
    hold_details = models.TextField(blank=True)
    # What each member earned when it completed (the settings of that moment).
    advocate_points = models.PositiveIntegerField(default=0)
    friend_points = models.PositiveIntegerField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True)
    # A staff decision on a held referral.
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["advocate", "-created_at"], name="referral_advocate_recent"),
            models.Index(fields=["signup_ip", "created_at"], name="referral_address_week"),
            models.Index(fields=["state", "created_at"], name="referral_state"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(advocate=F("friend")), name="referral_not_self"),
        ]

    def __str__(self) -> str:
        return f"Referral {self.pk} ({self.state})"

    @property
    def reason_labels(self) -> list[str]:
        labels = dict(self.Reason.choices)
        return [labels.get(reason, reason) for reason in self.hold_reasons]


class PaidOrder(models.Model):
    """A paid order as the shop announced it (``shop.signals.order_paid``): the facts the
    fraud rules compare (who it was attributed to, the email and shop customer it was placed
    as). Referrals hears of orders only through the signal, so it keeps these few facts; the
    shop's own order is the record of the order."""

    order_id = models.BigIntegerField(unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField(blank=True)
    customer_id = models.CharField(max_length=100, blank=True)
    paid_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["user", "paid_at"], name="paidorder_user"),
                   models.Index(fields=["customer_id"], name="paidorder_customer")]

    def __str__(self) -> str:
        return f"Order {self.order_id}"
