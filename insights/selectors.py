"""Reads for the community health dashboard and its CSV export.

Every figure is an aggregate computed in the database, and the number of queries is fixed
(one per figure family, ``QUERIES``) whatever the amount of data or the period. The other
apps' rows are read by model label through ``django.apps``: insights imports community
only (pyproject.toml, import-linter).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection
from django.db.models import Count, DurationField, ExpressionWrapper, F, Min, OuterRef, Q, Subquery, Value
from django.db.models.functions import Lower, TruncDate
from django.utils import timezone

from insights.aggregates import Median

PERIODS = (7, 30, 90)
DEFAULT_PERIOD = 30
# Monthly active members: members active on any of the 30 days up to and including a day.
MONTH_DAYS = 30
# A review reads as negative from this P(negative) (reviews' sentiment score).
NEGATIVE_AT = 0.5
CHARTED_CATEGORIES = 4
TOP_SEARCHES = 10
UNCATEGORISED = "No category"


def _model(label: str):
    return apps.get_model(label)


@dataclass(frozen=True)
class Window:
    """The period's days, oldest first, ending today (local time)."""

    days: int
    dates: tuple[datetime.date, ...]

    @property
    def start(self) -> datetime.datetime:
        return _midnight(self.dates[0])

    @property
    def end(self) -> datetime.datetime:
        return _midnight(self.dates[-1] + datetime.timedelta(days=1))

    def buckets(self) -> list[tuple[datetime.date, datetime.date]]:
        """Days for a week, weeks (counted back from today) for longer periods: (first
        day, day after the last)."""
        size = 1 if self.days <= 7 else 7
        edges, last = [], self.dates[-1] + datetime.timedelta(days=1)
        while last > self.dates[0]:
            first = max(self.dates[0], last - datetime.timedelta(days=size))
            edges.append((first, last))
            last = first
        return edges[::-1]


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def window(days: int, *, now: datetime.datetime | None = None) -> Window:
    today = timezone.localdate(now or timezone.now())
    return Window(days=days, dates=tuple(today - datetime.timedelta(days=days - 1 - i) for i in range(days)))


def _by_day(rows, win: Window, key: str = "day", value: str = "n") -> list[int]:
    counts = {_as_date(row[key]): row[value] for row in rows}
    return [counts.get(day, 0) for day in win.dates]


def _as_date(value) -> datetime.date:
    # SQLite hands dates back as text.
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def _daily(queryset, field_name: str, win: Window) -> list[int]:
    """How many rows of ``queryset`` fall on each day of ``win`` (one grouped query)."""
    rows = (queryset.filter(**{f"{field_name}__gte": win.start, f"{field_name}__lt": win.end})
            .annotate(day=TruncDate(field_name)).values("day").annotate(n=Count("pk")).order_by())
    return _by_day(rows, win)


def active_members(win: Window) -> tuple[list[int], list[int]]:
    """Members active on each day, and in the 30 days up to each day (one query).

    Active: read the forum (moderation's daily activity rows, written as members read, reply
    and like), posted, proposed, supported or commented on an idea, or wrote a review."""
    since = win.dates[0] - datetime.timedelta(days=MONTH_DAYS - 1)
    since_at = _midnight(since)

    def dated(label: str, user: str, at: str):
        return (_model(label).objects.filter(**{f"{at}__gte": since_at, f"{at}__lt": win.end})
                .annotate(uid=F(user), day=TruncDate(at)).values("uid", "day").order_by())

    parts = [
        _model("moderation.DailyActivity").objects.filter(date__gte=since, date__lte=win.dates[-1])
        .annotate(uid=F("user_id"), day=F("date")).values("uid", "day").order_by(),
        dated("forum.Post", "author_id", "created_at"),
        dated("ideas.Idea", "creator_id", "created_at"),
        dated("ideas.Support", "user_id", "created_at"),
        dated("ideas.IdeaComment", "author_id", "created_at"),
        dated("reviews.Review", "author_id", "created_at"),
    ]
    sql_parts, params = [], []
    for part in parts:
        sql, part_params = part.query.sql_with_params()
        sql_parts.append(sql)
        params.extend(part_params)
    day_rows = " UNION ALL ".join(["SELECT %s AS day, %s AS since"] * len(win.dates))
    day_params = []
    for day in win.dates:
        day_params += [day, day - datetime.timedelta(days=MONTH_DAYS - 1)]
    # Each part is the ORM's own compiled SQL (parameters kept apart); the days are parameters.
    sql = (
        "SELECT d.day, COUNT(DISTINCT CASE WHEN act.day = d.day THEN act.uid END), "  # noqa: S608
        f"COUNT(DISTINCT act.uid) FROM ({day_rows}) d "
        f"LEFT JOIN ({' UNION '.join(sql_parts)}) act ON act.day >= d.since AND act.day <= d.day "
        "GROUP BY d.day ORDER BY d.day"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*day_params, *params])
        rows = cursor.fetchall()
    return [row[1] for row in rows], [row[2] for row in rows]


def _hours(value: datetime.timedelta | None) -> float | None:
    return None if value is None else round(value.total_seconds() / 3600, 1)


def forum_answers(win: Window) -> dict:
    """Topics opened in the period: how many, still unanswered, solved, and the median
    hours to the first reply and to the accepted answer (one query)."""
    topic, post = _model("forum.Topic"), _model("forum.Post")
    first_reply = (post.objects.filter(topic=OuterRef("pk"), post_number__gt=1)
                   .order_by("created_at").values("created_at")[:1])
    row = (topic.objects.filter(created_at__gte=win.start, created_at__lt=win.end, is_hidden=False,
                                deleted_at__isnull=True)
           .annotate(first_reply_at=Subquery(first_reply))
           .aggregate(total=Count("pk"), unanswered=Count("pk", filter=Q(reply_count=0)),
                      solved=Count("pk", filter=Q(accepted_answer__isnull=False)),
                      to_reply=Median(ExpressionWrapper(F("first_reply_at") - F("created_at"),
                                                        output_field=DurationField())),
                      to_solution=Median(ExpressionWrapper(F("accepted_answer__created_at") - F("created_at"),
                                                           output_field=DurationField()))))
    total = row["total"]
    return {"topics": total, "unanswered": row["unanswered"], "solved": row["solved"],
            "solved_percent": round(100 * row["solved"] / total) if total else None,
            "hours_to_reply": _hours(row["to_reply"]), "hours_to_solution": _hours(row["to_solution"])}


def ideas_by_status(win: Window) -> list[dict]:
    """Every idea's current status, and how many of them were proposed in the period (one
    query), in the order of the statuses' lifecycle."""
    idea = _model("ideas.Idea")
    rows = {row["status"]: row for row in
            idea.objects.filter(deleted_at__isnull=True).values("status")
            .annotate(total=Count("pk"), new=Count("pk", filter=Q(created_at__gte=win.start,
                                                                 created_at__lt=win.end)))
            .order_by()}
    status_field = idea._meta.get_field("status")
    return [{"status": label, "total": rows[value]["total"], "new": rows[value]["new"]}
            for value, label in status_field.choices if value in rows]


def star_mix(win: Window) -> list[int]:
    """Reviews written in the period per star rating, 1 to 5 (one query)."""
    review = _model("reviews.Review")
    row = (review.objects.filter(created_at__gte=win.start, created_at__lt=win.end, deleted_at__isnull=True)
           .aggregate(**{f"s{stars}": Count("pk", filter=Q(rating=stars)) for stars in range(1, 6)}))
    return [row[f"s{stars}"] for stars in range(1, 6)]


def _negative_counts(buckets, when: str) -> dict:
    """Per bucket ``i``: ``t{i}`` the rows whose ``when`` falls in it, ``n{i}`` those of
    them reading as negative (aggregates for one grouped query)."""
    aggregates = {}
    for i, (first, after) in enumerate(buckets):
        in_bucket = Q(**{f"{when}__gte": _midnight(first), f"{when}__lt": _midnight(after)})
        aggregates[f"t{i}"] = Count("pk", filter=in_bucket)
        aggregates[f"n{i}"] = Count("pk", filter=in_bucket & Q(p_negative__gte=NEGATIVE_AT))
    return aggregates


def sentiment_by_category(win: Window) -> tuple[list[tuple[datetime.date, datetime.date]], dict[str, list]]:
    """Per product category and day (a week's period) or week: the share of scored reviews
    that read as negative, None where none were scored (one query). The categories with
    the most scored reviews, at most ``CHARTED_CATEGORIES``."""
    review = _model("reviews.Review")
    buckets = win.buckets()
    aggregates = _negative_counts(buckets, "created_at")
    rows = (review.objects.filter(created_at__gte=win.start, created_at__lt=win.end, deleted_at__isnull=True,
                                  p_negative__isnull=False)
            .values("product__category__name").annotate(scored=Count("pk"), **aggregates).order_by())
    rows = sorted(rows, key=lambda row: (-row["scored"], row["product__category__name"] or ""))
    shares = {}
    for row in rows[:CHARTED_CATEGORIES]:
        shares[row["product__category__name"] or UNCATEGORISED] = [
            round(100 * row[f"n{i}"] / row[f"t{i}"]) if row[f"t{i}"] else None for i in range(len(buckets))]
    return buckets, shares


def tone_by_area(win: Window) -> dict[str, list]:
    """Per area ("Forum · Kitchen", "Ideas · Coffee") and bucket of ``sentiment_by_category``:
    the share of forum posts and idea comments written then that read as negative
    (``community.tone``, scored in the background), None where none was scored. The areas
    with the most scored content, at most ``CHARTED_CATEGORIES`` (one query)."""
    from community.models import ContentTone

    buckets = win.buckets()
    aggregates = _negative_counts(buckets, "written_at")
    rows = (ContentTone.objects.filter(written_at__gte=win.start, written_at__lt=win.end)
            .values("area").annotate(scored=Count("pk"), **aggregates).order_by())
    rows = sorted(rows, key=lambda row: (-row["scored"], row["area"]))
    return {row["area"]: [round(100 * row[f"n{i}"] / row[f"t{i}"]) if row[f"t{i}"] else None
                          for i in range(len(buckets))]
            for row in rows[:CHARTED_CATEGORIES]}


def top_searches_without_results(win: Window) -> list[tuple[str, int]]:
    """The queries that most often found nothing in the period, case folded (one query)."""
    from community.models import SearchWithoutResults

    rows = (SearchWithoutResults.objects.filter(searched_at__gte=win.start, searched_at__lt=win.end)
            .annotate(text=Lower("query")).values("text").annotate(n=Count("pk"))
            .order_by("-n", "text")[:TOP_SEARCHES])
    return [(row["text"], row["n"]) for row in rows]


def moderation_queue(*, now: datetime.datetime) -> dict:
    """Items waiting in the moderation queue now: how many, the oldest's and the median
    wait in hours (one query)."""
    queue_item = _model("moderation.QueueItem")
    age = ExpressionWrapper(Value(now) - F("created_at"), output_field=DurationField())
    row = queue_item.objects.filter(status="pending").aggregate(
        waiting=Count("pk"), oldest=Min("created_at"), median_age=Median(age))
    return {"waiting": row["waiting"], "median_hours": _hours(row["median_age"]),
            "oldest_hours": _hours(now - row["oldest"]) if row["oldest"] else None}


@dataclass
class Health:
    win: Window
    computed_at: datetime.datetime
    daily_active: list[int]
    monthly_active: list[int]
    new_members: list[int]
    posts: list[int]
    reviews: list[int]
    flags: list[int]
    searches: list[int]
    answers: dict
    ideas: list[dict]
    stars: list[int]
    sentiment_buckets: list[tuple[datetime.date, datetime.date]]
    sentiment: dict[str, list]
    tone: dict[str, list]
    top_searches: list[tuple[str, int]]
    queue: dict
    stickiness: list[float | None] = field(init=False)

    def __post_init__(self):
        self.stickiness = [round(100 * d / m, 1) if m else None
                           for d, m in zip(self.daily_active, self.monthly_active, strict=True)]

    @property
    def totals(self) -> dict[str, int]:
        return {"new_members": sum(self.new_members), "posts": sum(self.posts), "reviews": sum(self.reviews),
                "flags": sum(self.flags), "searches": sum(self.searches)}

    @property
    def average_daily_active(self) -> float:
        return round(sum(self.daily_active) / len(self.daily_active), 1)

    @property
    def average_stickiness(self) -> float | None:
        """Average daily active over the latest monthly active: the period's DAU/MAU."""
        latest = self.monthly_active[-1]
        return round(100 * self.average_daily_active / latest, 1) if latest else None


# The queries ``community_health`` makes, whatever the data and the period.
QUERIES = 13


def community_health(*, days: int, now: datetime.datetime | None = None) -> Health:
    """Every figure of the dashboard for the ``days`` up to today (``QUERIES`` queries)."""
    from community.models import SearchWithoutResults

    now = now or timezone.now()
    win = window(days, now=now)
    daily_active, monthly_active = active_members(win)
    buckets, sentiment = sentiment_by_category(win)
    return Health(
        win=win, computed_at=now, daily_active=daily_active, monthly_active=monthly_active,
        new_members=_daily(_model("community.User").objects.all(), "date_joined", win),
        posts=_daily(_model("forum.Post").objects.all(), "created_at", win),
        reviews=_daily(_model("reviews.Review").objects.filter(deleted_at__isnull=True), "created_at", win),
        flags=_daily(_model("moderation.Flag").objects.all(), "created_at", win),
        searches=_daily(SearchWithoutResults.objects.all(), "searched_at", win),
        answers=forum_answers(win), ideas=ideas_by_status(win), stars=star_mix(win),
        sentiment_buckets=buckets, sentiment=sentiment, tone=tone_by_area(win),
        top_searches=top_searches_without_results(win), queue=moderation_queue(now=now),
    )


def cached_community_health(*, days: int) -> Health:
    """``community_health`` kept for ``HEARTH_INSIGHTS_CACHE_SECONDS`` (5 minutes): at the
    bench's size (20,000 members, 60,000 posts) the figures take most of a second of database
    time, and a dashboard managers reload need not be fresher than that (the page says when
    its figures were computed)."""
    from django.conf import settings
    from django.core.cache import cache

    key = f"insights:health:{days}:{timezone.localdate().isoformat()}"
    figures = cache.get(key)
    if figures is None:
        figures = community_health(days=days)
        cache.set(key, figures, settings.HEARTH_INSIGHTS_CACHE_SECONDS)
    return figures
