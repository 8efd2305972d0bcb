"""Webhook endpoints staff register, and the deliveries Hearth owes them.

A delivery is written in the transaction of the write that caused its event (the recorders in
``webhooks.recorders``), with the exact body it will send, so every retry sends the same
bytes under the same ``webhook-id``. Deliveries hold no member: their payloads carry only what
a visitor could see (docs/webhooks.md).
"""

from __future__ import annotations

import base64
import secrets
import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone

from webhooks.catalogue import DELIVERY_EVENT_CHOICES

SECRET_PREFIX = "whsec_"  # noqa: S105 - the prefix, not a secret


def new_secret() -> str:
    """A signing secret the Standard Webhooks way: ``whsec_`` + base64 of 24 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def new_message_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


class Endpoint(models.Model):
    url = models.URLField("URL", max_length=500,
                          help_text="Where Hearth POSTs the events: an https URL on the internet.")
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(default=list, help_text="The event types sent to this endpoint.")
    is_active = models.BooleanField(
        "Active", default=True,
        help_text="Inactive endpoints are sent nothing. Hearth switches off an endpoint whose "
        "deliveries keep failing and tells staff.")
    secret = models.CharField(max_length=80, default=new_secret, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Failure tracking: when the current run of failures began (None after a success), how
    # many deliveries in a row used every retry, and when and why Hearth switched it off.
    failing_since = models.DateTimeField(null=True, blank=True, editable=False)
    exhausted_in_row = models.PositiveIntegerField(default=0, editable=False)
    disabled_at = models.DateTimeField(null=True, blank=True, editable=False)
    disabled_reason = models.CharField(max_length=300, blank=True, editable=False)

    class Meta:
        ordering = ["pk"]
        verbose_name = "webhook endpoint"

    def __str__(self) -> str:
        return self.description or self.url

    def wants(self, event_type: str) -> bool:
        return event_type in (self.events or [])


class Delivery(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    # The Standard Webhooks message id (the ``webhook-id`` header): the same on every retry,
    # so a receiver can drop a repeat.
    msg_id = models.CharField("message id", max_length=40, unique=True, default=new_message_id,
                              editable=False)
    event_type = models.CharField(max_length=40, choices=DELIVERY_EVENT_CHOICES)
    # What the event is about (e.g. "post.created:12"): an event announced twice (a hidden
    # post shown again) is delivered once per endpoint.
    event_key = models.CharField(max_length=120)
    body = models.TextField(help_text="The JSON sent, byte for byte, on every attempt.")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    # When the next attempt is due (None once the delivery succeeded or failed for good). A
    # worker that takes the delivery moves it ahead by a lease, so a second run of the task
    # finds it not due and sends nothing.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Set by "redeliver": one more attempt, without a schedule of retries after it.
    redeliver_requested = models.BooleanField(default=False)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event_key"], name="webhook_delivery_once_per_event"),
        ]
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=Q(state="pending"),
                         name="webhook_delivery_due"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.msg_id}"


class Attempt(models.Model):
    """One try at sending a delivery: the delivery log staff read in the admin."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField()
    at = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    # At most 1 kB of the response body, or what went wrong before there was one.
    response_excerpt = models.TextField(blank=True)
    error = models.CharField(max_length=300, blank=True)
    manual = models.BooleanField(default=False)

    class Meta:
        ordering = ["delivery", "number"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="webhook_attempt_number_once"),
        ]

    def __str__(self) -> str:
        return f"attempt {self.number} of {self.delivery_id}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
