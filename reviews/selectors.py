"""Reads for reviews. Each sets its own select_related/prefetch_related."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from datetime import timedelta

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import TruncWeek
from django.utils import timezone

from community.charts import make_chart
from community.fragments import member_state
from community.models import ProductPage, User
from community.selectors import with_roles
from reviews.models import (
    BrandReply,
    FollowUp,
    HelpfulVote,
    ProductRating,
    Review,
    SentimentFeedback,
    SentimentModel,
)

SORTS = {
    "helpful": ("-helpful_count", "-created_at"),
    "newest": ("-created_at",),
    "lowest": ("rating", "-created_at"),
    "highest": ("-rating", "-created_at"),
}


def product_reviews_queryset(*, viewer: User) -> QuerySet[Review]:
    """Visible reviews with what the product page shows: author (and roles), brand reply,
    whether ``viewer`` voted them helpful."""
    if viewer.is_authenticated:
        voted = Exists(HelpfulVote.objects.filter(review=OuterRef("pk"), voter=viewer))
    else:
        voted = Value(False)
    return with_roles(
        _with_reply_state(Review.objects.visible().annotate(viewer_voted=voted))
        .select_related("author", "brand_reply__author"),
        "author",
    )


def _with_reply_state(reviews: QuerySet[Review]) -> QuerySet[Review]:
    """The brand reply's id, author, edit time and whether it is visible (a left join), and how
    the review's and the reply's authors are named (``community.fragments.member_state``)."""
    return reviews.annotate(reply_id=F("brand_reply__id"), reply_author_id=F("brand_reply__author_id"),
                            reply_edited_at=F("brand_reply__edited_at"),
                            reply_hidden_at=F("brand_reply__hidden_at"),
                            reply_deleted_at=F("brand_reply__deleted_at"),
                            **member_state("author", "by"), **member_state("brand_reply__author", "reply_by"))


# What a row of the light query loads (``product_review_rows``).
ROW_FIELDS = ("id", "product_id", "author_id", "rating", "verified_owner", "helpful_count", "edited_at",
              "text_version", "hidden_at", "deleted_at", "flagged_negative")


def product_review_rows(*, product: ProductPage, viewer: User, review_ids: list[int]) -> list[Review]:
    """The light query of a product page whose reviews are cached (``reviews.fragments``):
    of ``review_ids``, those still visible, with what decides how each shows and whether
    ``viewer`` voted it helpful; and ``viewer``'s own review of ``product`` (visible or not),
    to tell "Edit your review" from "Write a review". One query."""
    listed = Q(pk__in=review_ids, hidden_at__isnull=True, deleted_at__isnull=True)
    if viewer.is_authenticated:
        voted = Exists(HelpfulVote.objects.filter(review=OuterRef("pk"), voter=viewer))
        wanted = listed | Q(product=product, author=viewer)
    else:
        voted, wanted = Value(False), listed
    rows = _with_reply_state(Review.objects.filter(wanted)).annotate(viewer_voted=voted)
    return list(rows.only(*ROW_FIELDS))


def product_reviews(*, product: ProductPage, viewer: User, sort: str = "helpful",
                    stars: int | None = None) -> QuerySet[Review]:
    reviews = product_reviews_queryset(viewer=viewer).filter(product=product)
    if stars in range(1, 6):
        reviews = reviews.filter(rating=stars)
    return reviews.order_by(*SORTS.get(sort, SORTS["helpful"]))


def visible_review(*, review_id: int, viewer: User) -> Review | None:
    """A visible review of a live public product, annotated as on the product page."""
    product_ids = ProductPage.objects.live().public().values("pk")
    return (product_reviews_queryset(viewer=viewer).filter(pk=review_id, product_id__in=product_ids)
            .first())


def reviewed_products(*, author_id: int, product_ids: Iterable[int]) -> set[int]:
    """Which of ``product_ids`` the member has reviewed (a review they deleted counts: they
    answered)."""
    return set(Review.objects.filter(author_id=author_id, product_id__in=list(product_ids))
               .values_list("product_id", flat=True))


def product_rating(*, product: ProductPage) -> ProductRating:
    return ProductRating.objects.filter(product=product).first() or ProductRating(product=product)


def own_review(*, product: ProductPage, author: User, with_revisions: bool = True) -> Review | None:
    """The member's review of ``product``; with its earlier versions for the write page (the
    product page only needs to know whether there is one: one query, not two)."""
    if not author.is_authenticated:
        return None
    reviews = Review.objects.filter(product=product, author=author)
    if with_revisions:
        reviews = reviews.prefetch_related("revisions")
    return reviews.first()


def follow_up_queue(*, status: str = "active") -> QuerySet[FollowUp]:
    queue = FollowUp.objects.select_related("review__product", "review__author", "assignee")
    if status == "active":
        return queue.exclude(status__in=FollowUp.CLOSED).order_by("due_at")
    if status == "overdue":
        return (queue.exclude(status__in=FollowUp.CLOSED)
                .filter(due_at__lt=timezone.now()).order_by("due_at"))
    if status in FollowUp.Status.values:
        return queue.filter(status=status).order_by("-opened_at")
    return queue.order_by("-opened_at")


def follow_up_detail(*, follow_up_id: int) -> FollowUp:
    return (FollowUp.objects.select_related("review__product", "review__author", "assignee",
                                            "review__brand_reply__author")
            .prefetch_related("notes__author").get(pk=follow_up_id))


def follow_up_workers() -> QuerySet[User]:
    return (User.objects.filter(is_active=True, groups__permissions__codename__in=[
        "reply_as_brand", "moderate_community"]).distinct().order_by("username"))


def feedback_examples():
    from reviews.sentiment.training import Example

    # Staff-labelled real reviews are the hard cases: weighted like the hand-written sentences.
    return [Example(text=text, negative=negative, hand_written=True)
            for text, negative in SentimentFeedback.objects.order_by("pk").values_list("text", "negative")]


def _summarise(rows) -> dict:
    waits = [(r.first_reply_at - r.opened_at).total_seconds() / 3600 for r in rows if r.first_reply_at]
    closed = [r for r in rows if r.status in FollowUp.CLOSED]
    return {
        "total": len(rows),
        "open": sum(1 for r in rows if r.status not in FollowUp.CLOSED),
        "median_first_reply_hours": round(statistics.median(waits), 1) if waits else None,
        "resolution_rate": round(100 * len(closed) / len(rows)) if rows else 0,
    }


def dashboard(*, weeks: int = 12) -> dict:
    """Follow-up figures per product and staff member, and each product's weekly share of
    negative reviews, and the flag's calibration from staff judgements. Six queries whatever
    the number of rows."""
    now = timezone.now()
    follow_ups = list(FollowUp.objects.select_related("review__product", "assignee")
                      .only("status", "opened_at", "due_at", "first_reply_at", "assignee__username",
                            "assignee__display_name", "assignee__profile_hidden_at",
                            "review__product__title"))
    per_product, per_staff = defaultdict(list), defaultdict(list)
    for f in follow_ups:
        per_product[f.review.product.title].append(f)
        per_staff[f.assignee.name if f.assignee else "Unassigned"].append(f)
    since = now - timedelta(weeks=weeks)
    trend_rows = (Review.objects.visible().filter(created_at__gte=since, sentiment=Review.Sentiment.SCORED)
                  .annotate(week=TruncWeek("created_at"))
                  .values("product__title", "week")
                  .annotate(total=Count("id"), negative=Count("id", filter=_flagged()))
                  .order_by("product__title", "week"))
    trends = defaultdict(list)
    for row in trend_rows:
        trends[row["product__title"]].append((row["week"], row["total"], row["negative"]))
    return {
        "open": sum(1 for f in follow_ups if f.status not in FollowUp.CLOSED),
        "overdue": sum(1 for f in follow_ups if f.status not in FollowUp.CLOSED and f.due_at < now),
        "overall": _summarise(follow_ups),
        "per_product": sorted((name, _summarise(rows)) for name, rows in per_product.items()),
        "per_staff": sorted((name, _summarise(rows)) for name, rows in per_staff.items()),
        "trends": [(title, negative_share_chart(title, points, weeks=weeks, now=now))
                   for title, points in sorted(trends.items())],
        **calibration(),
        "models": model_log(),
        "feedback_waiting": feedback_since_last_model(),
    }


def model_log(*, limit: int = 10) -> list:
    """The latest retrained sentiment models and what was decided about each (one query)."""
    return list(SentimentModel.objects.defer("head").order_by("-created_at", "-pk")[:limit])


def feedback_since_last_model() -> int:
    """Staff feedback not yet learnt by a retraining (one query)."""
    last = SentimentModel.objects.order_by("-created_at", "-pk").values("created_at")[:1]
    return SentimentFeedback.objects.filter(
        Q(created_at__gt=Subquery(last)) | ~Exists(SentimentModel.objects.all())).count()


CALIBRATION_LINES = [round(0.1 * i, 1) for i in range(1, 10)]


def staff_labels() -> dict[int, tuple[float, bool]]:
    """Each review staff have judged, by id: (its P(negative), whether it was negative).
    A follow-up resolved is a confirmed negative, one closed as "not negative" a false alarm;
    an explicit feedback label overrides either. Two queries."""
    labels = {}
    closed = (FollowUp.objects.filter(status__in=FollowUp.CLOSED, review__p_negative__isnull=False)
              .values_list("review_id", "review__p_negative", "status"))
    for review_id, p, status in closed:
        labels[review_id] = (p, status == FollowUp.Status.RESOLVED)
    feedback = (SentimentFeedback.objects.filter(review__p_negative__isnull=False)
                .values_list("review_id", "review__p_negative", "negative"))
    for review_id, p, negative in feedback:
        labels[review_id] = (p, negative)
    return labels


def calibration() -> dict:
    """Precision and recall of the text score at each possible line, from staff's judgements
    so far: what staff look at when they tune the thresholds. Recall counts only the
    negatives staff have seen (flagged reviews, and those marked as missed)."""
    judged = list(staff_labels().values())
    negatives = sum(1 for _p, negative in judged if negative)
    precision, recall = [], []
    for line in CALIBRATION_LINES:
        caught = [negative for p, negative in judged if p >= line]
        precision.append(round(100 * sum(caught) / len(caught)) if caught else None)
        recall.append(round(100 * sum(caught) / negatives) if negatives else None)
    chart = make_chart(title="Flag precision and recall by threshold",
                       labels=[f"{line:.1f}" for line in CALIBRATION_LINES],
                       series={"Precision": precision, "Recall": recall}, unit="%", y_max=100)
    return {"calibration": chart if judged else None, "judged_reviews": len(judged),
            "judged_negative": negatives}


def _flagged():
    return Q(flagged_negative=True)


def negative_share_chart(title: str, points, *, weeks: int, now):
    """A line chart of a product's weekly share of negative reviews over the last ``weeks``
    weeks, 0-100%, with a gap for weeks without scored reviews."""
    this_monday = timezone.localdate(now) - timedelta(days=timezone.localdate(now).weekday())
    mondays = [this_monday - timedelta(weeks=weeks - 1 - i) for i in range(weeks)]
    by_week = {timezone.localdate(week): (total, negative) for week, total, negative in points}
    shares = [round(100 * by_week[m][1] / by_week[m][0]) if by_week.get(m, (0, 0))[0] else None
              for m in mondays]
    return make_chart(title=title, labels=[f"{m:%-d %b}" for m in mondays],
                      series={"Negative reviews": shares}, unit="%", y_max=100)


def follow_up_counts():
    """The staff menu's figures for follow-ups: open and overdue, in one query."""
    from community.staff_links import Count as Figure

    open_ones = FollowUp.objects.exclude(status__in=FollowUp.CLOSED)
    figures = open_ones.aggregate(open=Count("id"), overdue=Count("id", filter=Q(due_at__lt=timezone.now())))
    return [Figure(key="open", label="open", number=figures["open"]),
            Figure(key="overdue", label="overdue", number=figures["overdue"], alert=True)]


# --- What members missed (the activity digest, outreach) -------------------------------------

def product_news(*, product_ids: Iterable[int], since, exclude_author_id: int | None = None,
                 ) -> dict[int, dict]:
    """For each of ``product_ids`` with something new after ``since``: its title and address,
    how many visible reviews were published (not counting ``exclude_author_id``'s) and how
    many brand replies were written since. Two queries, three when there is news."""
    ids = list(product_ids)
    if not ids:
        return {}
    news: dict[int, dict] = {}

    def entry(product) -> dict:
        return news.setdefault(product.pk, {"title": product.title, "url": product.url,
                                            "reviews": 0, "replies": 0})

    reviews = (Review.objects.filter(product_id__in=ids, created_at__gt=since, hidden_at__isnull=True,
                                     deleted_at__isnull=True, product__live=True)
               .exclude(author_id=exclude_author_id)
               .values("product_id").annotate(n=Count("id")).order_by())
    replies = (BrandReply.objects.filter(review__product_id__in=ids, created_at__gt=since,
                                         hidden_at__isnull=True, deleted_at__isnull=True,
                                         review__hidden_at__isnull=True, review__deleted_at__isnull=True,
                                         review__product__live=True)
               .values("review__product_id").annotate(n=Count("id")).order_by())
    counts = {row["product_id"]: [row["n"], 0] for row in reviews}
    for row in replies:
        counts.setdefault(row["review__product_id"], [0, 0])[1] = row["n"]
    if not counts:
        return {}
    for product in ProductPage.objects.filter(pk__in=list(counts)).only("id", "title", "url_path", "slug"):
        item = entry(product)
        item["reviews"], item["replies"] = counts[product.pk]
    return news
