import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from privacy.purposes import PURPOSES


class Consent(models.Model):
    """One answer a member gave to one purpose (marketing email): granted or withdrawn, when,
    where, and the version of the wording they were shown. Append-only: the member's current
    consent for a purpose is their latest row; earlier rows are the history. Written only by
    ``privacy.services.consents.record_consent``."""

    class Source(models.TextChoices):
        SIGNUP = "signup", "the sign-up form"
        PRIVACY_PAGE = "privacy_page", "the privacy settings page"
        UNSUBSCRIBE = "unsubscribe", "an unsubscribe link"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="consents")
    purpose = models.CharField(max_length=40, choices=[(key, p.label) for key, p in PURPOSES.items()])
    granted = models.BooleanField()
    source = models.CharField(max_length=20, choices=Source.choices)
    wording_version = models.CharField(max_length=20)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["user", "purpose", "-recorded_at", "-id"],
                                name="consent_latest_per_purpose")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.purpose} {'granted' if self.granted else 'withdrawn'}"

    def save(self, *args, **kwargs):
        # The history is evidence: a recorded answer is never rewritten, only followed by a
        # newer one.
        if not self._state.adding:
            raise ValueError("Consent rows are append-only")
        super().save(*args, **kwargs)


class DataExport(models.Model):
    """A member's request for a copy of their data, and the ZIP built for it.

    The file lives under HEARTH_PRIVACY_EXPORT_DIR (never under MEDIA_ROOT, so no public URL
    reaches it) and is served only to its owner by ``privacy.views.download``."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to start"
        RUNNING = "running", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Expired"

    IN_PROGRESS = (Status.PENDING, Status.RUNNING)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="data_exports")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    step = models.CharField(max_length=80, blank=True)
    # The stored file's name under the export directory: random, never derived from the member.
    file_name = models.CharField(max_length=80, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            # One export at a time per member, even when two requests race.
            models.UniqueConstraint(fields=["user"], condition=Q(status__in=["pending", "running"]),
                                    name="one_export_in_progress_per_member"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="export_progress_percent"),
        ]
        indexes = [models.Index(fields=["status", "expires_at"], name="export_expiry")]

    def __str__(self) -> str:
        return f"export {self.pk} of {self.user_id} ({self.status})"

    @staticmethod
    def new_file_name() -> str:
        return f"{uuid.uuid4().hex}.zip"

    @property
    def in_progress(self) -> bool:
        return self.status in self.IN_PROGRESS

    def downloadable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status == self.Status.READY and self.expires_at is not None and self.expires_at > now


class Erasure(models.Model):
    """A member's account being deleted: asked for by the member (then ``due_at`` is 14 days
    on, and logging in before then cancels it) or done at once by a community manager
    (``requested_by``). When it runs, the account is anonymised to "Former member N", N being
    this row's id (``privacy.services.erasure``). The row stays as the record that it
    happened, linked to the anonymised account only."""

    class State(models.TextChoices):
        PENDING = "pending", "Scheduled"
        CANCELLED = "cancelled", "Cancelled"
        DONE = "done", "Done"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="erasures")
    # The community manager who anonymised the member; empty when the member asked.
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    # The member chose to delete their posts, comments and reviews too (otherwise they stay,
    # attributed to "Former member N").
    delete_content = models.BooleanField(default=False)
    requested_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            # A double submit, or two tabs, schedule one deletion.
            models.UniqueConstraint(fields=["user"], condition=Q(state="pending"),
                                    name="one_pending_erasure_per_member"),
            models.UniqueConstraint(fields=["user"], condition=Q(state="done"),
                                    name="one_erasure_done_per_member"),
        ]
        indexes = [models.Index(fields=["state", "due_at"], name="erasure_due")]

    def __str__(self) -> str:
        return f"erasure {self.pk} of {self.user_id} ({self.state})"

    @property
    def former_name(self) -> str:
        return f"Former member {self.pk}"

    @property
    def former_username(self) -> str:
        return f"former-member-{self.pk}"
