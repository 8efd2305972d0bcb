"""Points expiry, off unless the brand turns it on (``HEARTH_POINTS_EXPIRY_DAYS`` > 0).

A member's spendable points expire when they have neither earned nor spent any for that many
days; lifetime points (levels) never expire. Members are reminded
``HEARTH_POINTS_EXPIRY_REMINDER_DAYS`` before, and their points page always says what will
expire and when. Both jobs are idempotent: an expiry is keyed by the day of the last activity
it follows, a reminder by its notification's dedupe key.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from badges.models import PointsEntry, UserPoints
from badges.services import wallet
from community.services.notifications import notify

EXPIRY_KIND = "points_expiry"
# Entries that count as activity: anything earned (points > 0) or spent (spendable < 0 that
# is not an expiry itself).
ACTIVITY = Q(points__gt=0) | (Q(spendable__lt=0) & ~Q(reason=wallet.POINTS_EXPIRED))


def expiry_days() -> int:
    return int(getattr(settings, "HEARTH_POINTS_EXPIRY_DAYS", 0) or 0)


def reminder_days() -> int:
    return int(getattr(settings, "HEARTH_POINTS_EXPIRY_REMINDER_DAYS", 30))


@dataclass
class Expiring:
    """What will expire and when, for the member's points page."""

    points: int
    on: datetime.date


def last_activity(user_id: int) -> datetime.datetime | None:
    return (PointsEntry.objects.filter(ACTIVITY, user_id=user_id)
            .aggregate(last=Max("created_at"))["last"])


def expiring_for(*, user_id: int, spendable: int) -> Expiring | None:
    """When the member's spendable points expire if nothing happens (None when expiry is
    off or nothing is left to expire). One query."""
    days = expiry_days()
    if not days or spendable <= 0:
        return None
    last = last_activity(user_id)
    if last is None:
        return None
    return Expiring(points=spendable, on=timezone.localdate(last + datetime.timedelta(days=days)))


def _inactive_members(*, since: datetime.datetime, until: datetime.datetime | None = None):
    """(user_id, last activity) of members with points to spend whose last activity is
    before ``since``, or in [since, until) when ``until`` is given. One query."""
    holders = UserPoints.objects.filter(spendable__gt=0).values_list("user_id", flat=True)
    rows = (PointsEntry.objects.filter(ACTIVITY, user_id__in=holders).values("user_id")
            .annotate(last=Max("created_at")).order_by())
    window = Q(last__lt=since) if until is None else Q(last__gte=since, last__lt=until)
    return [(row["user_id"], row["last"]) for row in rows.filter(window)]


def expire_inactive_points(*, now: datetime.datetime | None = None) -> int:
    """Expire the spendable points of every member inactive for ``expiry_days``. Returns how
    many members' points expired."""
    days = expiry_days()
    if not days:
        return 0
    now = now or timezone.now()
    expired = 0
    for user_id, last in _inactive_members(since=now - datetime.timedelta(days=days)):
        day = timezone.localdate(last)
        if wallet.expire_points(
                user_id=user_id, points=2**31 - 1, period_key=int(day.strftime("%Y%m%d")),
                note=f"Unused since {day:%-d %B %Y}", now=now):
            expired += 1
    return expired


def remind_before_expiry(*, now: datetime.datetime | None = None) -> int:
    """Tell members whose points expire within ``reminder_days`` (once per stretch of
    inactivity). Returns how many were reminded."""
    from community.models import User

    days = expiry_days()
    if not days:
        return 0
    now = now or timezone.now()
    window_start = now - datetime.timedelta(days=days)
    window_end = window_start + datetime.timedelta(days=reminder_days())
    due = dict(_inactive_members(since=window_start, until=window_end))
    balances = dict(UserPoints.objects.filter(user_id__in=due).values_list("user_id", "spendable"))
    reminded = 0
    for member in User.objects.filter(pk__in=due):
        on = timezone.localdate(due[member.pk] + datetime.timedelta(days=days))
        if notify(recipient=member, kind=EXPIRY_KIND,
                  message=f"Your {balances.get(member.pk, 0):,} points expire on {on:%-d %B %Y} "
                          "unless you earn or spend points before then.",
                  url=reverse("badges:points"), dedupe_key=f"badges.expiry.{on:%Y%m%d}"):
            reminded += 1
    return reminded
