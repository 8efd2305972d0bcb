"""The dashboard's charts, drawn with the site's one chart approach (community.charts)."""

from __future__ import annotations

from community.charts import Chart, make_chart
from insights.selectors import Health


def _day(day) -> str:
    return f"{day:%-d %b}"


def health_charts(health: Health) -> dict[str, Chart]:
    labels = [_day(day) for day in health.win.dates]
    buckets = [_day(first) for first, _after in health.sentiment_buckets]
    per = "day" if health.win.days <= 7 else "week"
    charts = {
        "active": make_chart(title="Active members per day and over the last 30 days", labels=labels,
                             series={"Active that day": health.daily_active,
                                     "Active in the last 30 days": health.monthly_active}),
        "stickiness": make_chart(title="Daily over monthly active members", labels=labels,
                                 series={"Daily / monthly active": health.stickiness}, unit="%", y_max=100),
        "new_members": make_chart(title="New members per day", labels=labels,
                                  series={"New members": health.new_members}, kind="bar"),
        "posts": make_chart(title="Forum posts per day", labels=labels,
                            series={"Posts": health.posts}, kind="bar"),
        "reviews": make_chart(title="Reviews per day", labels=labels,
                              series={"Reviews": health.reviews}, kind="bar"),
        "stars": make_chart(title="Reviews by star rating", labels=[f"{n} star{'s' if n > 1 else ''}"
                                                                   for n in range(1, 6)],
                            series={"Reviews": health.stars}, kind="bar"),
        "flags": make_chart(title="Flags per day", labels=labels, series={"Flags": health.flags}, kind="bar"),
        "searches": make_chart(title="Searches without results per day", labels=labels,
                               series={"Searches": health.searches}, kind="bar"),
        "ideas": make_chart(title="Ideas by status",
                            labels=[row["status"] for row in health.ideas] or ["None"],
                            series={"All ideas": [row["total"] for row in health.ideas] or [0],
                                    "Proposed in the period": [row["new"] for row in health.ideas] or [0]},
                            kind="bar"),
    }
    if health.sentiment:
        charts["sentiment"] = make_chart(
            title=f"Share of reviews reading as negative, per product category and {per}",
            labels=buckets, series=health.sentiment, unit="%", y_max=100)
    return charts
