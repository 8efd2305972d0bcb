"""Re-engagement email: requests to review what a member bought, and the log of every such
email that the caps are counted from.

A review request is made once per order line's product (member, product, order: unique), so
planning can run any number of times. It is sent with at most a few others in one email, then
reminded once; the per-member caps are counted from ``OutreachEmail`` under a lock on the
member's row (outreach.services).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class OutreachEmail(models.Model):
    """One re-engagement email sent to a member (a review request, a reminder, an activity
    digest): what the caps across all of them count. A digest's row carries its period
    (``outreach.digest.period_key``), unique per member: the same digest is never sent twice."""

    class Kind(models.TextChoices):
        REVIEW_REQUEST = "review_request", "Review request"
        REVIEW_REMINDER = "review_reminder", "Review reminder"
        DIGEST = "digest", "Activity digest"

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="outreach_emails")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    sent_at = models.DateTimeField(default=timezone.now)
    # Digests only: "D2026-12-06", "W2026-49" (ISO week) or "M2026-12".
    period = models.CharField(max_length=12, blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["member", "sent_at"], name="outreach_email_member_sent")]
        constraints = [
            models.UniqueConstraint(fields=["member", "period"], condition=Q(kind="digest"),
                                    name="outreach_one_digest_per_period"),
            models.CheckConstraint(condition=Q(kind="digest") | Q(period=""),
                                   name="outreach_period_for_digests_only"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.member_id} at {self.sent_at:%Y-%m-%d}"


class ReviewRequest(models.Model):
    class State(models.TextChoices):
        WAITING = "waiting", "Waiting to be sent"
        SENT = "sent", "Sent"
        REMINDED = "reminded", "Sent and reminded"
        SKIPPED = "skipped", "Not sent"

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="review_requests")
    product = models.ForeignKey("community.ProductPage", on_delete=models.CASCADE,
                                related_name="+")
    order = models.ForeignKey("shop.Order", on_delete=models.CASCADE, related_name="+")
    due_at = models.DateTimeField(help_text="When the request may be sent (the purchase plus the delay).")
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING)
    # Why a request was not sent, in words staff and the member's export can read.
    skip_reason = models.CharField(max_length=120, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["member", "product", "order"],
                                    name="outreach_one_request_per_order_product"),
            models.CheckConstraint(
                condition=~Q(state="waiting") | Q(sent_at__isnull=True),
                name="outreach_waiting_request_not_sent"),
        ]
        indexes = [
            models.Index(fields=["due_at"], name="outreach_request_waiting",
                         condition=Q(state="waiting")),
            models.Index(fields=["sent_at"], name="outreach_request_to_remind",
                         condition=Q(state="sent")),
            models.Index(fields=["member", "product", "sent_at"], name="outreach_request_asked"),
        ]

    def __str__(self) -> str:
        return f"Review request for {self.product_id} to {self.member_id} ({self.state})"
