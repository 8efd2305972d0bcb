"""Moderation data: flags, the review queue, the audit log, trust levels, suspensions.

Content is referred to generically (content type + object id): moderation never imports
the apps whose content it moderates; they register adapters (see ``moderation.registry``).
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone


class FlagReason(models.TextChoices):
    SPAM = "spam", "Spam"
    ABUSIVE = "abusive", "Abusive or harassing"
    OFF_TOPIC = "off_topic", "Off-topic"
    OTHER = "other", "Something else"


class Flag(models.Model):
    """One member's (or the spam scanner's) report about one piece of content."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        UPHELD = "upheld", "Upheld"
        DISMISSED = "dismissed", "Dismissed"

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    item = models.ForeignKey("QueueItem", on_delete=models.CASCADE, related_name="flags")
    # Null for automatic flags raised by the spam scanner; `signal` then says which one.
    flagger = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="flags_made"
    )
    signal = models.CharField(max_length=40, blank=True)
    reason = models.CharField(max_length=20, choices=FlagReason.choices)
    note = models.CharField(max_length=500, blank=True)
    weight = models.DecimalField(max_digits=5, decimal_places=2)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["flagger", "content_type", "object_id"],
                condition=Q(flagger__isnull=False),
                name="moderation_flag_once_per_member",
            ),
            models.UniqueConstraint(
                fields=["signal", "content_type", "object_id"],
                condition=Q(flagger__isnull=True),
                name="moderation_system_flag_once_per_signal",
            ),
            models.CheckConstraint(
                condition=~Q(reason="other") | ~Q(note=""), name="moderation_flag_other_needs_note"
            ),
            models.CheckConstraint(condition=Q(weight__gt=0), name="moderation_flag_weight_positive"),
        ]
        indexes = [models.Index(fields=["flagger", "status"])]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} flag on {self.content_type_id}:{self.object_id}"


class QueueItem(models.Model):
    """A piece of content waiting for a moderator: flagged, or held for approval.

    At most one pending item per object (a conditional unique constraint); once resolved, a
    new flag opens a new item. ``version`` moves with every moderator action, so a second
    moderator acting on a page loaded before the first one's action is told, not applied.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved (restored)"
        REJECTED = "rejected", "Rejected (hidden or deleted)"
        IGNORED = "ignored", "Flags dismissed"

    class Kind(models.TextChoices):
        FLAGGED = "flagged", "Flagged"
        PREMODERATION = "premoderation", "Waiting for approval"

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.FLAGGED)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # Denormalised sum of the pending flags' weights, moved with F(); rebuilt by the
    # "moderation.queue_scores" recomputer.
    score = models.DecimalField(max_digits=7, decimal_places=2, default=0)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    excerpt = models.CharField(max_length=300, blank=True)
    hidden_pending_review = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.CharField(max_length=40, blank=True)
    version = models.PositiveIntegerField(default=1)
    stall_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=Q(status="pending"),
                name="moderation_one_pending_item_per_object",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"]), models.Index(fields=["status", "score"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.content_type_id}:{self.object_id} ({self.status})"


class ModerationAction(models.Model):
    """The audit log: one row per moderator or staff action. Never edited, never deleted."""

    class Kind(models.TextChoices):
        DISMISS = "dismiss", "Dismissed flags"
        HIDE = "hide", "Hid content"
        AUTO_HIDE = "auto_hide", "Hid content automatically"
        RESTORE = "restore", "Restored content"
        APPROVE = "approve", "Approved held content"
        DELETE = "delete", "Deleted content"
        EDIT = "edit", "Edited content"
        EXTRA = "extra", "Content action"
        WARN = "warn", "Warned a member"
        SUSPEND = "suspend", "Suspended a member"
        LIFT = "lift", "Lifted a suspension"
        TRUST = "trust", "Changed a trust level"
        HOLD = "hold", "Held content for approval"
        POINTS = "points", "Adjusted a member's points"
        REFERRAL_APPROVE = "referral_approve", "Approved a held referral"
        REFERRAL_REJECT = "referral_reject", "Rejected a held referral"
        # Written by privacy.services.erasure (privacy may not import moderation: by label).
        ANONYMISE = "anonymise", "Anonymised a member"

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Kind.choices)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    snapshot = models.TextField(blank=True)
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    item = models.ForeignKey(
        QueueItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    reason = models.CharField(max_length=500, blank=True)
    extra = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} at {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def label(self) -> str:
        return self.extra.get("label") or self.get_action_display()


class TrustLevel(models.IntegerChoices):
    NEW = 0, "New"
    BASIC = 1, "Basic"
    MEMBER = 2, "Member"
    REGULAR = 3, "Regular"
    LEADER = 4, "Leader"


class MemberTrust(models.Model):
    """A member's trust level and the activity it is computed from. Counters move with F()."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trust")
    level = models.PositiveSmallIntegerField(choices=TrustLevel.choices, default=TrustLevel.NEW)
    # Set by staff; while set it wins over the computed level (TL4 is only ever given so).
    override_level = models.PositiveSmallIntegerField(choices=TrustLevel.choices, null=True, blank=True)
    # The highest of TL1/TL2 earned by activity: kept for good, unlike levels set by staff.
    earned_level = models.PositiveSmallIntegerField(default=0)
    topics_entered = models.PositiveIntegerField(default=0)
    posts_read = models.PositiveIntegerField(default=0)
    seconds_reading = models.PositiveIntegerField(default=0)
    days_visited = models.PositiveIntegerField(default=0)
    likes_given = models.PositiveIntegerField(default=0)
    likes_received = models.PositiveIntegerField(default=0)
    topics_replied = models.PositiveIntegerField(default=0)
    last_visit_date = models.DateField(null=True, blank=True)
    level_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(level__lte=4), name="moderation_trust_level_range"),
            models.CheckConstraint(
                condition=Q(override_level__isnull=True) | Q(override_level__lte=4),
                name="moderation_trust_override_range",
            ),
        ]

    def __str__(self) -> str:
        return f"TL{self.level} {self.user_id}"


class DailyActivity(models.Model):
    """Per-day activity, for the rolling window TL3 is judged on."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    posts_read = models.PositiveIntegerField(default=0)
    topics_entered = models.PositiveIntegerField(default=0)
    topics_replied = models.PositiveIntegerField(default=0)
    likes_given = models.PositiveIntegerField(default=0)
    likes_received = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "date"], name="moderation_one_activity_row_per_day")
        ]


class Suspension(models.Model):
    """A member may not post, vote, review or flag between ``starts_at`` and ``ends_at``
    (null: permanently) unless lifted; lifting early is recorded, the row stays."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="suspensions")
    starts_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lift_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="moderation_suspension_ends_after_start",
            ),
        ]

    @property
    def permanent(self) -> bool:
        return self.ends_at is None


class TextFingerprint(models.Model):
    """A hash of each normalised text a member posted, for the repeated-text spam signal."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64)
    length = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["user", "digest", "created_at"]),
            models.Index(fields=["user", "created_at"]),
        ]


class SuspectedRing(models.Model):
    """Members who seem to like each other's content by arrangement, as reported by badges."""

    fingerprint = models.CharField(max_length=64, unique=True)
    user_ids = models.JSONField()
    evidence = models.JSONField(default=dict)
    reported_at = models.DateTimeField(default=timezone.now)
    last_reported_at = models.DateTimeField(default=timezone.now)
    times_reported = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-last_reported_at"]
