"""Product reviews, brand replies, helpful votes, and the follow-up work negative reviews open."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting


class PurchaseRecord(models.Model):
    """A purchase known to the brand: makes a review by that email "verified owner"."""

    email = models.EmailField()
    sku = models.CharField("SKU", max_length=64)
    order_reference = models.CharField(max_length=64, blank=True)
    purchased_on = models.DateField(null=True, blank=True)
    imported_at = models.DateTimeField(default=timezone.now)

    panels = [FieldPanel("email"), FieldPanel("sku"), FieldPanel("order_reference"),
              FieldPanel("purchased_on")]

    class Meta:
        constraints = [models.UniqueConstraint(fields=["email", "sku"], name="purchase_once_per_email_sku")]
        indexes = [models.Index(fields=["sku", "email"])]

    def __str__(self) -> str:
        return f"{self.email} · {self.sku}"

    def save(self, *args, **kwargs):
        # Stored lower-case so the match with a member's address does not depend on typing.
        self.email = self.email.strip().lower()
        self.sku = self.sku.strip()
        super().save(*args, **kwargs)


class ProductRating(models.Model):
    """Denormalised rating totals of one product's visible reviews (F() updates only)."""

    product = models.OneToOneField("community.ProductPage", on_delete=models.CASCADE,
                                   primary_key=True, related_name="rating")
    count = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    stars_1 = models.PositiveIntegerField(default=0)
    stars_2 = models.PositiveIntegerField(default=0)
    stars_3 = models.PositiveIntegerField(default=0)
    stars_4 = models.PositiveIntegerField(default=0)
    stars_5 = models.PositiveIntegerField(default=0)

    @property
    def average(self) -> float:
        return self.total / self.count if self.count else 0.0

    def distribution(self) -> list[tuple[int, int, int]]:
        """(stars, count, percent) from 5 down to 1."""
        rows = []
        for stars in range(5, 0, -1):
            n = getattr(self, f"stars_{stars}")
            rows.append((stars, n, round(100 * n / self.count) if self.count else 0))
        return rows


class ReviewQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(hidden_at__isnull=True, deleted_at__isnull=True)


class Review(models.Model):
    class Sentiment(models.TextChoices):
        PENDING = "pending", "Pending"
        SCORED = "scored", "Scored"

    product = models.ForeignKey("community.ProductPage", on_delete=models.CASCADE, related_name="reviews")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews")
    rating = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    title = models.CharField(max_length=120)
    body = models.TextField(max_length=5000)
    verified_owner = models.BooleanField(default=False)
    helpful_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    # Bumped on every edit: a score computed for an older text is never stored.
    text_version = models.PositiveIntegerField(default=1)
    sentiment = models.CharField(max_length=10, choices=Sentiment.choices, default=Sentiment.PENDING)
    p_negative = models.FloatField(null=True, blank=True)
    # What made the score: [[start, end, P(negative)], ...] over ``text``, for staff to see
    # why a review was flagged. Empty until scored, and again after an edit.
    sentiment_clauses = models.JSONField(default=list, blank=True)
    sentiment_backend = models.CharField(max_length=20, blank=True)
    # Which model scored it (``reviews.sentiment.model_version``): after a new model is
    # promoted, ``sentiment rescore --stale`` scores again only the reviews an older one scored.
    sentiment_model = models.CharField(max_length=64, blank=True)
    scored_at = models.DateTimeField(null=True, blank=True)
    flagged_negative = models.BooleanField(default=False)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    hidden_reason = models.CharField(max_length=300, blank=True)
    # Set when a community manager deletes the review through moderation: the row (and its
    # text, for the audit log and the follow-up) stays, nobody sees it any more.
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["product", "author"], name="one_review_per_member_product"),
            models.CheckConstraint(condition=Q(rating__gte=1) & Q(rating__lte=5),
                                   name="review_rating_1_to_5"),
        ]
        indexes = [models.Index(fields=["product", "created_at"]),
                   models.Index(fields=["sentiment", "created_at"])]

    def __str__(self) -> str:
        return f"{self.rating}★ {self.title}"

    def get_absolute_url(self) -> str:
        return f"{self.product.url or ''}#review-{self.pk}"

    @property
    def text(self) -> str:
        return f"{self.title}. {self.body}" if self.title else self.body

    @property
    def is_visible(self) -> bool:
        return self.hidden_at is None and self.deleted_at is None


class ReviewRevision(models.Model):
    """The text of a review before an edit (its edit history)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="revisions")
    rating = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=120)
    body = models.TextField()
    written_at = models.DateTimeField()
    replaced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-replaced_at"]


class HelpfulVote(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="helpful_votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "voter"],
                                               name="one_helpful_vote_per_member")]


class BrandReply(models.Model):
    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="brand_reply")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(max_length=3000)
    p_negative = models.FloatField(null=True, blank=True)
    warning_overridden = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    # Community managers (through moderation) hide or delete a reply that breaks the
    # guidelines; brand staff cannot.
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(max_length=300, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Brand reply to review {self.review_id}"

    def get_absolute_url(self) -> str:
        return f"{self.review.product.url or ''}#review-{self.review_id}"

    @property
    def is_visible(self) -> bool:
        return self.hidden_at is None and self.deleted_at is None


class ReviewHideRecord(models.Model):
    """Log of a review being hidden (or restored): by a community manager, or automatically
    (no actor) when members' flags pass the moderation threshold."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="hide_records")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    hidden = models.BooleanField(default=True)
    reason = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)


class FollowUp(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        WAITING = "waiting_on_customer", "Waiting on customer"
        RESOLVED = "resolved", "Resolved"
        NOT_NEGATIVE = "not_negative", "Not negative"

    CLOSED = (Status.RESOLVED, Status.NOT_NEGATIVE)

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="follow_up")
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.OPEN)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="follow_ups")
    opened_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(db_index=True)
    first_reply_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at"]

    @property
    def is_open(self) -> bool:
        return self.status not in self.CLOSED

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_at < timezone.now()


class FollowUpNote(models.Model):
    """Internal note on a follow-up: brand staff and community managers only."""

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(max_length=3000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]


class SentimentFeedback(models.Model):
    """A label staff gave a review's text ("not negative"), learnt by `train --include-feedback`."""

    review = models.OneToOneField(Review, null=True, on_delete=models.SET_NULL,
                                  related_name="+")
    text = models.TextField()
    negative = models.BooleanField()
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                 related_name="+")
    created_at = models.DateTimeField(default=timezone.now)


class SentimentModel(models.Model):
    """A sentiment head trained by the periodic retraining (or ``sentiment retrain``), and
    the decision about it: promoted (reviews are scored with it from then on) or kept back
    because it did worse than the model in use on the held-back rows. The latest promoted
    row is the model in use; with none, the head committed with the code is."""

    class Decision(models.TextChoices):
        PROMOTED = "promoted", "Promoted"
        KEPT_BACK = "kept_back", "Kept back: not better"

    version = models.CharField(max_length=64, unique=True)
    head = models.BinaryField(help_text="The head's weights and bias (numpy .npz).")
    replaced_version = models.CharField(max_length=64, blank=True,
                                        help_text="The model in use when this one was judged.")
    decision = models.CharField(max_length=12, choices=Decision.choices)
    reason = models.CharField(max_length=300)
    trained_rows = models.PositiveIntegerField()
    feedback_rows = models.PositiveIntegerField()
    held_out_rows = models.PositiveIntegerField()
    # {"candidate": {"accuracy": …, "precision": …, "recall": …, "f1": …}, "current": {…}}
    metrics = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"

    def __str__(self) -> str:
        return f"{self.version} ({self.get_decision_display()})"


@register_setting(icon="mail")
class ReviewAcknowledgement(BaseGenericSetting):
    """The short message a reviewer gets from the brand when their review is flagged."""

    enabled = models.BooleanField(default=True)
    message = models.CharField(
        max_length=300,
        default="Sorry this went wrong. Our team has seen your review and will contact you within a day.",
    )

    panels = [FieldPanel("enabled"), FieldPanel("message")]

    class Meta:
        verbose_name = "review acknowledgement"


def _probability_field(label: str, help_text: str) -> models.FloatField:
    return models.FloatField(label, null=True, blank=True, help_text=help_text,
                             validators=[MinValueValidator(0.05), MaxValueValidator(0.99)])


@register_setting(icon="warning")
class SentimentThresholds(BaseGenericSetting):
    """Where the flag rule draws its lines, tuned by staff against the calibration chart on
    the reviews dashboard. Empty: the deployment's default (its settings)."""

    flag = _probability_field(
        "3-star reviews flagged from",
        "P(negative) from which a 3-star review opens a follow-up. 1-2 star reviews always do.")
    high_rating = _probability_field(
        "4-5 star reviews flagged from",
        "P(negative) from which a 4-5 star review opens a follow-up: strong evidence of a "
        "complaint only, the stars say the member is happy.")
    acknowledge = _probability_field(
        "3-star reviewers acknowledged from",
        "P(negative) from which the author of a flagged 3-star review is told the team will "
        "follow up.")

    panels = [FieldPanel("flag"), FieldPanel("high_rating"), FieldPanel("acknowledge")]

    class Meta:
        verbose_name = "sentiment thresholds"

    def clean(self) -> None:
        lines = self.thresholds()
        if lines.high_rating < lines.flag:
            raise ValidationError({"high_rating": (
                f"4-5 star reviews need at least the evidence 3-star reviews do "
                f"({lines.flag:.2f}): the stars count in the member's favour.")})

    def thresholds(self):
        """The lines in force: these values, the deployment's defaults where empty."""
        from reviews.sentiment import Thresholds

        defaults = Thresholds.defaults()

        def chosen(name: str) -> float:
            value = getattr(self, name)
            return value if value is not None else getattr(defaults, name)

        return Thresholds(flag=chosen("flag"), high_rating=chosen("high_rating"),
                          acknowledge=chosen("acknowledge"))
