"""Product ideas: members propose them, rally supporters against LEGO-Ideas-style milestone
deadlines, and staff decide what becomes of the ones that win enough support.

Counters (``support_count``, ``comment_count``), the deadline and the next milestone are
denormalised on Idea and kept by ideas.services only (F() updates under a row lock);
``manage.py recompute_counts`` rebuilds the counters from Support and IdeaComment rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Case, Q, Value, When
from django.urls import reverse
from django.utils.text import slugify
from wagtail.admin.panels import FieldPanel

from ideas import clock, visibility


class Status(models.TextChoices):
    IN_REVIEW = "in_review", "In review"
    NEEDS_WORK = "needs_work", "Needs work"
    GATHERING_SUPPORT = "gathering_support", "Gathering support"
    ACHIEVED = "achieved", "Achieved"
    EXPIRED = "expired", "Expired"
    NOT_APPROVED = "not_approved", "Not approved"
    APPROVED = "approved", "Approved"
    IN_DEVELOPMENT = "in_development", "In development"
    SHIPPED = "shipped", "Shipped"
    DECLINED = "declined", "Declined"
    ARCHIVED = "archived", "Archived"
    MERGED = "merged", "Merged"


class Milestone(models.Model):
    """One step of the support ladder. An idea has ``window_days`` from its publication (for
    the first milestone) or from reaching the previous milestone to gather ``supporters``.
    Reaching the last milestone makes the idea ``achieved``."""

    supporters = models.PositiveIntegerField(unique=True, help_text="Supporters needed.")
    window_days = models.PositiveIntegerField(
        help_text="Days allowed to reach it, counted from publication (first milestone) or "
        "from reaching the previous milestone."
    )

    panels = [FieldPanel("supporters"), FieldPanel("window_days")]

    class Meta:
        ordering = ["supporters"]
        constraints = [
            models.CheckConstraint(condition=Q(supporters__gt=0), name="milestone_supporters_positive"),
            models.CheckConstraint(condition=Q(window_days__gt=0), name="milestone_window_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.supporters:,} supporters within {self.window_days} days"


class IdeaQuerySet(models.QuerySet):
    def with_effective_status(self):
        """Annotate ``shown_status``: an idea still gathering support past its deadline is
        shown (and filtered) as expired even before the periodic job records it."""
        return self.annotate(
            shown_status=Case(
                When(status=Status.GATHERING_SUPPORT, deadline__lte=Value(clock.now()),
                     then=Value(Status.EXPIRED.value)),
                default="status",
                output_field=models.CharField(),
            )
        )

    def published(self):
        return self.filter(published_at__isnull=False)

    def not_deleted(self):
        return self.filter(deleted_at__isnull=True)

    def visible(self):
        """Neither hidden by moderation (or held for approval) nor deleted."""
        return self.filter(hidden_at__isnull=True, deleted_at__isnull=True)

    def visible_to(self, user):
        """Ideas ``user`` may see (``ideas.visibility.idea_visible_to``)."""
        return self.filter(visibility.idea_visible_to(user))

    def readable(self):
        """Ideas anyone may read (``ideas.visibility.idea_readable``)."""
        return self.filter(visibility.idea_readable())

    def open_for_support(self, *, now=None):
        return self.filter(status=Status.GATHERING_SUPPORT, deadline__gt=now or clock.now())


class Idea(models.Model):
    creator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ideas")
    title = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80, allow_unicode=False, blank=True)
    description = models.TextField(max_length=10_000)
    # Rendered once when saved (community.markdown): pages never render Markdown per request.
    description_html = models.TextField(blank=True)
    category = models.ForeignKey(
        "community.ProductCategory", null=True, blank=True, on_delete=models.SET_NULL, related_name="ideas"
    )
    product = models.ForeignKey(
        "community.ProductPage", null=True, blank=True, on_delete=models.SET_NULL, related_name="ideas"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_REVIEW)
    created_at = models.DateTimeField(default=clock.now)
    # Set when staff first approve the idea; ideas never published stay private to their
    # creator and staff whatever their status.
    published_at = models.DateTimeField(null=True, blank=True)
    status_changed_at = models.DateTimeField(default=clock.now)
    deadline = models.DateTimeField(null=True, blank=True, db_index=True)
    next_milestone = models.ForeignKey(
        Milestone, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    support_count = models.PositiveIntegerField(default=0)
    comment_count = models.PositiveIntegerField(default=0)
    resubmission_count = models.PositiveSmallIntegerField(default=0)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates"
    )
    trending_score = models.FloatField(default=0.0, db_index=True)
    # float32 sentence embedding of title + description, for similar-idea suggestions.
    embedding = models.BinaryField(null=True, blank=True, editable=False)
    embedded_at = models.DateTimeField(null=True, blank=True)
    # Moderation (moderation.registry adapter in ideas.moderation): a hidden idea (flagged
    # past the threshold, hidden by a community manager, or held for approval) is seen only
    # by its creator, with the reason, and by community managers. A deleted one by managers.
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(max_length=300, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = IdeaQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "deadline"], name="idea_status_deadline"),
            models.Index(fields=["-published_at"], name="idea_published"),
            models.Index(fields=["-support_count"], name="idea_support_count"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(resubmission_count__lte=1), name="idea_resubmitted_at_most_once"
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("pk")), name="idea_not_merged_into_itself"
            ),
            models.CheckConstraint(
                condition=Q(status="merged", merged_into__isnull=False)
                | (~Q(status="merged") & Q(merged_into__isnull=True)),
                name="idea_merged_iff_merged_into",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("ideas:detail", kwargs={"idea_id": self.pk, "slug": self.slug or "idea"})

    @staticmethod
    def slug_for(title: str) -> str:
        return slugify(title)[:80].strip("-") or "idea"

    @property
    def effective_status(self) -> str:
        """What pages show: gathering support past the deadline is expired already."""
        if self.status == Status.GATHERING_SUPPORT and self.deadline and self.deadline <= clock.now():
            return Status.EXPIRED.value
        return self.status

    @property
    def effective_status_label(self) -> str:
        return Status(self.effective_status).label

    @property
    def is_gathering_support(self) -> bool:
        return self.effective_status == Status.GATHERING_SUPPORT

    @property
    def is_public(self) -> bool:
        return self.published_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def days_left(self) -> int | None:
        if not self.is_gathering_support or not self.deadline:
            return None
        return max(0, (self.deadline - clock.now()).days)

    @property
    def progress_percent(self) -> int:
        goal = self.next_milestone.supporters if self.next_milestone_id else 0
        if not goal:
            return 100
        return min(100, int(self.support_count * 100 / goal))


def idea_image_path(instance: IdeaImage, filename: str) -> str:
    return f"ideas/{instance.idea_id}/{filename}"


class IdeaImage(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(upload_to=idea_image_path, width_field="width", height_field="height")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]


class Support(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idea_supports")
    created_at = models.DateTimeField(default=clock.now)
    # Set when a merge moved this support from a duplicate: undoing the merge moves exactly
    # these rows back.
    moved_from = models.ForeignKey(
        Idea, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["idea", "user"], name="one_support_per_user_and_idea")]
        indexes = [models.Index(fields=["idea", "-created_at"], name="support_idea_recent")]


class StatusChange(models.Model):
    """The public history of an idea: every transition, who made it (none for the clock) and
    the staff comment that explains it."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment = models.TextField(max_length=4000, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["created_at", "pk"]

    @property
    def to_label(self) -> str:
        return Status(self.to_status).label


class MilestoneReached(models.Model):
    """When an idea reached each milestone: the timeline on the idea page."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="milestones_reached")
    supporters = models.PositiveIntegerField()
    reached_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["supporters"]
        constraints = [
            models.UniqueConstraint(fields=["idea", "supporters"], name="milestone_reached_once")
        ]


class IdeaCommentQuerySet(models.QuerySet):
    def visible(self):
        """Comments shown on a page (neither hidden nor deleted), for the counters."""
        return self.filter(hidden_at__isnull=True, deleted_at__isnull=True)

    def visible_to(self, user):
        """Comments ``user`` may see (``ideas.visibility.comment_visible_to``)."""
        return self.filter(visibility.comment_visible_to(user))


class IdeaComment(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idea_comments"
    )
    body = models.TextField(max_length=5000)
    body_html = models.TextField()
    created_at = models.DateTimeField(default=clock.now)
    # Moderation, as on Idea. ``Idea.comment_count`` counts only visible comments: hiding,
    # deleting and restoring move it.
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(max_length=300, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    deleted_at = models.DateTimeField(null=True, blank=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    objects = IdeaCommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["idea", "created_at"], name="idea_comment_order")]

    def get_absolute_url(self) -> str:
        return f"{self.idea.get_absolute_url()}#comment-{self.pk}"

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None
