"""The dashboard's figures as CSV: the daily table first, then one section per figure that
is not daily (each after a blank line and a heading row)."""

from __future__ import annotations

import csv
import io

from insights.selectors import Health

# A spreadsheet runs a cell starting with one of these as a formula: searched text is
# members' input, so such cells are written as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    if value is None:
        return ""
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def health_csv(health: Health) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")

    def row(*values):
        writer.writerow([_cell(value) for value in values])

    row("date", "active_members", "monthly_active_members", "daily_over_monthly_percent", "new_members",
        "posts", "reviews", "flags", "searches_without_results")
    for i, day in enumerate(health.win.dates):
        row(day.isoformat(), health.daily_active[i], health.monthly_active[i], health.stickiness[i],
            health.new_members[i], health.posts[i], health.reviews[i], health.flags[i], health.searches[i])
    answers, queue = health.answers, health.queue
    writer.writerow([])
    row("summary", "value")
    for name, value in (
        ("period_days", health.win.days),
        ("first_day", health.win.dates[0].isoformat()),
        ("last_day", health.win.dates[-1].isoformat()),
        ("average_daily_active_members", health.average_daily_active),
        ("monthly_active_members_last_day", health.monthly_active[-1]),
        ("daily_over_monthly_percent", health.average_stickiness),
        ("topics_opened", answers["topics"]),
        ("topics_unanswered", answers["unanswered"]),
        ("topics_solved", answers["solved"]),
        ("solved_percent", answers["solved_percent"]),
        ("median_hours_to_first_reply", answers["hours_to_reply"]),
        ("median_hours_to_solution", answers["hours_to_solution"]),
        ("moderation_queue_waiting", queue["waiting"]),
        ("moderation_queue_median_age_hours", queue["median_hours"]),
        ("moderation_queue_oldest_age_hours", queue["oldest_hours"]),
    ):
        row(name, value)
    writer.writerow([])
    row("idea_status", "ideas", "proposed_in_period")
    for idea in health.ideas:
        row(idea["status"], idea["total"], idea["new"])
    writer.writerow([])
    row("stars", "reviews")
    for stars, count in enumerate(health.stars, start=1):
        row(stars, count)
    writer.writerow([])
    row("category", "from", "before", "negative_percent")
    for category, shares in health.sentiment.items():
        for (first, after), share in zip(health.sentiment_buckets, shares, strict=True):
            row(category, first.isoformat(), after.isoformat(), share)
    writer.writerow([])
    row("area", "from", "before", "negative_percent")
    for area, shares in health.tone.items():
        for (first, after), share in zip(health.sentiment_buckets, shares, strict=True):
            row(area, first.isoformat(), after.isoformat(), share)
    writer.writerow([])
    row("search_without_results", "times")
    for text, count in health.top_searches:
        row(text, count)
    return out.getvalue()
