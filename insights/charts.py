"""The dashboard's charts, drawn with the site's one chart approach (community.charts)."""

from __future__ import annotations

from community.charts import Chart, make_chart
from insights.selectors import Health


def _day(day) -> str:
    return f"{day:%-d %b}"


def _counts(values) -> float:
    """The top of a chart of counts: at least 4, so small counts get whole-number ticks."""
    return max([4, *[value for value in values if value is not None]])


def _count_chart(title: str, labels: list[str], series: dict[str, list], **options) -> Chart:
    top = _counts(value for values in series.values() for value in values)
    return make_chart(title=title, labels=labels, series=series, y_max=top, **options)


def health_charts(health: Health) -> dict[str, Chart]:
    days = [_day(day) for day in health.win.dates]
    buckets = [_day(first) for first, _after in health.sentiment_buckets]
    per = "day" if health.win.days <= 7 else "week"
    charts = {
        "active": _count_chart("Active members per day and over the last 30 days", days,
                               {"Active that day": health.daily_active,
                                "Active in the last 30 days": health.monthly_active}),
        "stickiness": make_chart(title="Daily over monthly active members", labels=days,
                                 series={"Daily / monthly active": health.stickiness}, unit="%", y_max=100),
        "new_members": _count_chart("New members per day", days, {"New members": health.new_members},
                                    kind="bar"),
        "posts": _count_chart("Forum posts per day", days, {"Posts": health.posts}, kind="bar"),
        "reviews": _count_chart("Reviews per day", days, {"Reviews": health.reviews}, kind="bar"),
        "stars": _count_chart("Reviews by star rating",
                              [f"{n} star{'s' if n > 1 else ''}" for n in range(1, 6)],
                              {"Reviews": health.stars}, kind="bar"),
        "flags": _count_chart("Flags per day", days, {"Flags": health.flags}, kind="bar"),
        "searches": _count_chart("Searches without results per day", days,
                                 {"Searches": health.searches}, kind="bar"),
        "ideas": _count_chart("Ideas by status",
                              [row["status"] for row in health.ideas] or ["No ideas yet"],
                              {"All ideas": [row["total"] for row in health.ideas] or [0],
                               "Proposed in the period": [row["new"] for row in health.ideas] or [0]},
                              kind="bar"),
    }
    if health.sentiment:
        charts["sentiment"] = make_chart(
            title=f"Share of reviews reading as negative, per product category and {per}",
            labels=buckets, series=health.sentiment, unit="%", y_max=100)
    if health.tone:
        charts["tone"] = make_chart(
            title=f"Share of forum posts and idea comments reading as negative, per area and {per}",
            labels=buckets, series=health.tone, unit="%", y_max=100)
    return charts
