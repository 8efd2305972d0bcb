"""Reads for the loyalty dashboard: the brand's liability, redemptions per reward per week,
what is running low, and referrals waiting for review. A fixed number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Count, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

from badges.models import UserPoints
from community.charts import Chart, make_chart
from rewards import selectors
from rewards.models import Redemption

WEEKS = 8
CHARTED_REWARDS = 4


@dataclass
class Dashboard:
    outstanding_points: int
    members_holding: int
    redemptions_chart: Chart
    redemptions_this_week: int
    low_pools: list
    low_stock: list
    pending_gifts: int
    referrals_to_review: int | None  # None when referrals are not installed


def _mondays(now: datetime.datetime) -> list[datetime.date]:
    today = timezone.localdate(now)
    this_monday = today - datetime.timedelta(days=today.weekday())
    return [this_monday - datetime.timedelta(weeks=WEEKS - 1 - i) for i in range(WEEKS)]


def redemptions_chart(*, now: datetime.datetime) -> tuple[Chart, int]:
    """Redemptions per week of the most redeemed rewards (cancelled ones left out)."""
    mondays = _mondays(now)
    start = datetime.datetime.combine(mondays[0], datetime.time(), tzinfo=timezone.get_current_timezone())
    rows = (Redemption.objects.filter(created_at__gte=start)
            .exclude(state=Redemption.State.CANCELLED)
            .annotate(week=TruncWeek("created_at")).values("reward__title", "week")
            .annotate(n=Count("id")).order_by())
    per_reward: dict[str, dict[datetime.date, int]] = {}
    for row in rows:
        per_reward.setdefault(row["reward__title"], {})[timezone.localdate(row["week"])] = row["n"]
    top = sorted(per_reward, key=lambda title: -sum(per_reward[title].values()))[:CHARTED_REWARDS]
    series = {title: [per_reward[title].get(monday, 0) for monday in mondays] for title in top}
    chart = make_chart(title="Redemptions per reward per week (most redeemed rewards)",
                       labels=[f"{monday:%-d %b}" for monday in mondays],
                       series=series or {"Redemptions": [0] * WEEKS})
    this_week = sum(per_reward[title].get(mondays[-1], 0) for title in per_reward)
    return chart, this_week


def _referrals_to_review() -> int | None:
    # Read by name: rewards does not import referrals (referrals builds on rewards).
    try:
        referral = apps.get_model("referrals", "Referral")
    except LookupError:
        return None
    return referral.objects.filter(state="held").count()


def loyalty_dashboard(*, now: datetime.datetime | None = None) -> Dashboard:
    now = now or timezone.now()
    liability = UserPoints.objects.filter(spendable__gt=0).aggregate(
        points=Sum("spendable"), members=Count("user_id"))
    chart, this_week = redemptions_chart(now=now)
    return Dashboard(
        outstanding_points=liability["points"] or 0, members_holding=liability["members"],
        redemptions_chart=chart, redemptions_this_week=this_week,
        low_pools=selectors.low_pools(), low_stock=selectors.low_stock(),
        pending_gifts=Redemption.objects.filter(state=Redemption.State.PENDING).count(),
        referrals_to_review=_referrals_to_review(),
    )
