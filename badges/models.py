"""The points ledger, its rollups, rules, levels, badges, challenges and ring suspicions.

The ledger (PointsEntry) is the source of truth: every total, rollup and event count is a
cache that ``manage.py recompute_points`` rebuilds from it.
"""

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting


class AppendOnlyError(Exception):
    """Raised when code tries to edit or delete a ledger entry."""


class PointsEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("points entries are append-only; add a reversing entry instead")

    def delete(self):
        raise AppendOnlyError("points entries are append-only; add a reversing entry instead")

    def for_history(self):
        return self.select_related("source_type").order_by("-created_at", "-id")


class PointsEntry(models.Model):
    """One award (or reversal) of points. Never updated, never deleted.

    (user, reason, source, variant, occurrence, generation) is unique, so a replayed event or
    a duplicate task run inserts nothing. ``variant`` tells apart entries for the same source:
    the member who liked or supported, or the milestone reached; 0 when nothing varies.
    ``occurrence`` tells apart repeats of one member's act: the like's id, so a like withdrawn
    and given again is a new like; 0 when the act cannot repeat. ``generation`` counts
    re-awards: 0 when first earned, +1 each time hidden content is restored.
    """

    WITHDRAWN, DELETED, HIDDEN, MOVED = "withdrawn", "deleted", "hidden", "moved"
    CAUSES = [(WITHDRAWN, "Withdrawn"), (DELETED, "Deleted"), (HIDDEN, "Hidden by moderators"),
              (MOVED, "Moved elsewhere")]

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="points_entries")
    # Change to lifetime points (levels, leaderboards): spending never lowers them.
    points = models.IntegerField()
    # Change to spendable points: earning adds what ``points`` adds; a reversal takes back
    # at most what is left to spend; redemptions, their refunds and expiry move only this.
    spendable = models.IntegerField(default=0)
    reason = models.CharField(max_length=60)
    source_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    source_id = models.PositiveBigIntegerField()
    variant = models.BigIntegerField(default=0)
    occurrence = models.BigIntegerField(default=0)
    generation = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(db_index=True)
    counts_toward_cap = models.BooleanField(default=True)
    # Points the rule would have given: differs from ``points`` when the daily cap cut it.
    rule_points = models.IntegerField(default=0)
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="reversed_by")
    # Why a reversal was made (blank on awards): restoring hidden content re-awards only what
    # hiding took away.
    cause = models.CharField(max_length=10, choices=CAUSES, blank=True)
    # What the member reads in their history when the reason alone does not say it (the
    # reward redeemed, the order, a staff adjustment's reason).
    note = models.CharField(max_length=200, blank=True)

    objects = PointsEntryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "points entries"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "reason", "source_type", "source_id", "variant", "occurrence",
                        "generation"],
                name="badges_entry_once_per_event",
            ),
        ]
        indexes = [models.Index(fields=["user", "-created_at"], name="badges_entry_history")]

    def __str__(self) -> str:
        return f"{self.points:+d} {self.reason} for user {self.user_id}"

    def save(self, *args, **kwargs):
        # Integrity guard, not business logic: history must never be rewritten.
        if not self._state.adding:
            raise AppendOnlyError("points entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("points entries are append-only")

    @property
    def is_reversal(self) -> bool:
        return self.reason.endswith(".reversed")


class UserPoints(models.Model):
    """A member's two balances, kept in the same transaction as each entry: ``total``, the
    lifetime points (sum of ``PointsEntry.points``), and ``spendable`` (sum of
    ``PointsEntry.spendable``), which the database never lets go below zero."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                primary_key=True, related_name="points")
    total = models.IntegerField(default=0)
    spendable = models.IntegerField(default=0)

    class Meta:
        verbose_name_plural = "user points"
        indexes = [models.Index(fields=["-total", "user"], name="badges_points_board")]
        constraints = [
            models.CheckConstraint(condition=Q(spendable__gte=0),
                                   name="badges_spendable_never_negative"),
        ]


class PointsAdjustment(models.Model):
    """A staff grant (positive) or deduction (negative) of points, with the reason the member
    reads in their history. The ledger entry it causes points at this row."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="points_adjustments")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                              related_name="+")
    points = models.IntegerField()
    reason = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(points=0), name="badges_adjustment_not_zero"),
        ]


class PointsPeriod(models.Model):
    """Points earned by a member in one day, ISO week or month (rollups for the boards and
    the daily cap)."""

    DAY, WEEK, MONTH = "day", "week", "month"
    KINDS = [(DAY, "Day"), (WEEK, "Week"), (MONTH, "Month")]

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="points_periods")
    kind = models.CharField(max_length=5, choices=KINDS)
    start = models.DateField()
    points = models.IntegerField(default=0)
    capped_points = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "start"], name="badges_period_once"),
        ]
        indexes = [
            models.Index(fields=["kind", "start", "-points", "user"], name="badges_period_board"),
        ]


class EventCount(models.Model):
    """How many events of a kind count for a member (net of reversals): badge criteria read
    these instead of the content apps' tables."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="event_counts")
    kind = models.CharField(max_length=60)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="badges_event_count_once"),
        ]


class SourceTally(models.Model):
    """Events of a kind received on one piece of content (likes on a post, supports of an
    idea), net of reversals: for the per-post and per-idea badges."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    kind = models.CharField(max_length=60)
    source_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    source_id = models.PositiveBigIntegerField()
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "source_type", "source_id"],
                                    name="badges_tally_once"),
        ]
        indexes = [models.Index(fields=["user", "kind", "-count"], name="badges_tally_user")]


class PointRule(models.Model):
    """How many points an event kind is worth. Edits take effect for the next event; entries
    already in the ledger keep the points they were given."""

    key = models.SlugField(max_length=60, unique=True,
                           help_text="The event kind this rule prices (set by Hearth).")
    label = models.CharField(max_length=120, help_text="Shown in members' point history.")
    points = models.IntegerField(help_text="Points per event; 0 counts the event without points.")
    counts_toward_cap = models.BooleanField(
        default=True,
        help_text="Counts toward the daily cap (off for accepted answers, milestones).")
    active = models.BooleanField(default=True, help_text="Inactive rules award 0 points.")

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.label} ({self.points:+d})"


def money(amount) -> str:
    """An amount in the shop's currency as the shop writes money: "120.00 EUR"."""
    return f"{Decimal(amount).quantize(Decimal('0.01'))} {settings.HEARTH_SHOP_CURRENCY}"


class Level(models.Model):
    """A level members reach by lifetime points or, when the brand chooses it
    (``LevelSettings.basis``), by what they spent in the shop in the last 12 months. Both
    thresholds rise together, so "this level and above" means the same under either basis."""

    name = models.CharField(max_length=40, unique=True)
    min_points = models.PositiveIntegerField(unique=True)
    min_spend = models.DecimalField(
        max_digits=12, decimal_places=2, unique=True, validators=[MinValueValidator(Decimal(0))],
        help_text="Spend in the last 12 months (in the shop's currency) that reaches this "
                  "level when levels come from spend.")

    class Meta:
        ordering = ["min_points"]
        constraints = [models.CheckConstraint(condition=Q(min_spend__gte=0),
                                              name="badges_level_min_spend_not_negative")]

    def __str__(self) -> str:
        return f"{self.name} ({self.min_points}+)"

    @property
    def spend_label(self) -> str:
        return f"{money(self.min_spend)} spent in 12 months"

    def clean(self):
        # Both thresholds must order the levels alike: a reward "for Gold and above" and the
        # ladder on the levels page mean one thing whichever basis applies.
        if self.min_points is None or self.min_spend is None:
            return
        others = Level.objects.exclude(pk=self.pk) if self.pk else Level.objects.all()
        for other in others.only("name", "min_points", "min_spend"):
            if (other.min_points < self.min_points) != (other.min_spend < self.min_spend) \
                    or other.min_spend == self.min_spend:
                raise ValidationError({"min_spend": (
                    f"Levels must be in the same order by spend as by points: {other.name} "
                    f"needs {other.min_points:,} points and {other.min_spend} spent.")})


@register_setting(icon="order")
class LevelSettings(BaseGenericSetting):
    """What members' levels come from: lifetime points (the default) or what they spent in
    the shop in the last 12 months (paid orders less refunds). Changing it re-levels every
    member (``badges.tasks.relevel_everyone``)."""

    POINTS, SPEND = "points", "spend"
    BASES = [(POINTS, "Lifetime points"), (SPEND, "Spend in the last 12 months")]

    basis = models.CharField(
        max_length=10, choices=BASES, default=POINTS,
        help_text="Lifetime points never go down; spend in the last 12 months does as "
                  "orders age out of the window or are refunded, and a member's level follows "
                  "it down (without taking back rewards or points).")

    panels = [FieldPanel("basis")]

    class Meta:
        verbose_name = "levels"

    @classmethod
    def by_spend(cls) -> bool:
        """Whether levels come from spend. One query that never writes (``load()`` would
        create the row on a page's first visit)."""
        return cls.objects.filter(basis=cls.SPEND).exists()


class MemberLevel(models.Model):
    """A member's level while levels come from spend, with the 12-month spend that set it
    (as of ``updated_at``): the cheap figure the pages read, rebuilt from the shop's orders by
    ``badges.services.levels`` (on each paid order and refund, daily, and by
    ``recompute_counts``). Under the points basis members have no row: the level follows
    their lifetime points."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                primary_key=True, related_name="spend_level")
    level = models.ForeignKey(Level, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    spend = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal(0))
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["spend"], name="badges_memberlevel_spend",
                                condition=Q(spend__gt=0))]


class Badge(models.Model):
    BRONZE, SILVER, GOLD = "bronze", "silver", "gold"
    TIERS = [(BRONZE, "Bronze"), (SILVER, "Silver"), (GOLD, "Gold")]
    ICONS = [(name, name.title()) for name in
             ("star", "chat", "heart", "check", "bulb", "pen", "shield", "cake", "hand", "flag")]

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=80)
    description = models.CharField(max_length=300, help_text="How to earn it, shown to members.")
    icon = models.CharField(max_length=20, choices=ICONS, default="star")
    tier = models.CharField(max_length=6, choices=TIERS, default=BRONZE)
    criteria = models.CharField(max_length=40, help_text="One of the criteria Hearth knows.")
    params = models.JSONField(
        default=dict, blank=True,
        help_text='Criteria parameters, e.g. {"kind": "topic_created", "threshold": 10}.')
    multiple = models.BooleanField(default=False, help_text="Granted once per qualifying post or idea.")
    auto_revoke = models.BooleanField(
        default=False, help_text="Revoked by the nightly check when the criteria no longer hold.")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["tier", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def icon_path(self) -> str:
        return f"badges/icons/{self.icon}.svg"


class BadgeGrantQuerySet(models.QuerySet):
    def current(self):
        return self.filter(revoked_at__isnull=True)


class BadgeGrant(models.Model):
    """A badge held by a member. Single badges use source 0; multiple badges one row per
    qualifying source. A revoked grant keeps its row (and blocks a duplicate)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="badge_grants")
    # PROTECT: deleting a badge would silently take it from everyone who earned it; the
    # admin refuses and says to deactivate it instead.
    badge = models.ForeignKey(Badge, on_delete=models.PROTECT, related_name="grants")
    source_id = models.PositiveBigIntegerField(default=0)
    granted_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = BadgeGrantQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "badge", "source_id"], name="badges_grant_once"),
        ]
        indexes = [models.Index(fields=["badge", "revoked_at"], name="badges_grant_badge")]


class Challenge(models.Model):
    title = models.CharField(max_length=120)
    description = models.TextField(max_length=1000, blank=True)
    KINDS = [
        ("topic_created", "Topics started"), ("reply_created", "Replies posted"),
        ("like_received", "Likes received"), ("answer_accepted", "Answers accepted"),
        ("idea_submitted", "Ideas submitted"), ("idea_supported", "Ideas supported"),
        ("idea_support_received", "Supporters gained"), ("review_written", "Reviews written"),
        ("review_helpful", "Helpful votes received"), ("flag_upheld", "Flags upheld"),
    ]
    kind = models.CharField(max_length=60, choices=KINDS, help_text="The event counted.")
    goal = models.PositiveIntegerField()
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reward_points = models.PositiveIntegerField(default=0)
    badge = models.ForeignKey(Badge, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", help_text="Optional badge granted on completion.")

    class Meta:
        ordering = ["ends_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")),
                                   name="badges_challenge_ends_after_start",
                                   violation_error_message="A challenge must end after it starts."),
            models.CheckConstraint(condition=Q(goal__gte=1), name="badges_challenge_goal_positive",
                                   violation_error_message="The goal must be at least 1."),
        ]

    def __str__(self) -> str:
        return self.title


class ChallengeProgress(models.Model):
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="progress")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    count = models.PositiveIntegerField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["challenge", "user"], name="badges_progress_once"),
        ]


class SuspectedRing(models.Model):
    """Members who like each other's posts far above the site's rate. Shown to community
    managers for review; nothing is taken from anyone automatically."""

    member_key = models.CharField(max_length=200, unique=True,
                                  help_text="Sorted member ids, comma-separated.")
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")
    evidence = models.JSONField(default=dict)
    detected_at = models.DateTimeField()
    reviewed = models.BooleanField(default=False)

    class Meta:
        ordering = ["reviewed", "-detected_at"]


class PendingEvent(models.Model):
    """The points engine's inbox: what the content apps announced and the engine still owes.
    Receivers append here; one drainer at a time feeds the rows to the engine in batches, in
    the order they came (badges.services.inbox). A row is deleted once its batch commits, so
    a row that stays is work not done yet, or work that failed ``attempts`` times."""

    op = models.CharField(max_length=32)
    args = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["attempts", "id"], name="badges_pending_order")]

    def __str__(self) -> str:
        return f"{self.op} {self.args}"
