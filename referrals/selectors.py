"""Referral reads: a member's referrals page and the staff review list."""

from __future__ import annotations

from dataclasses import dataclass

from referrals.models import Referral

# A member's page lists their latest referrals; older ones still count in the totals.
MEMBER_PAGE_SIZE = 100
RECENT_DECISIONS = 20


def state_in_words(referral: Referral, *, for_advocate: bool = True) -> str:
    """What a member reads about one of their referrals."""
    state = referral.state
    if state == Referral.State.COMPLETED:
        points = referral.advocate_points if for_advocate else referral.friend_points
        return f"Completed: you earned {points:,} points"
    if state == Referral.State.REJECTED:
        return "Not rewarded after our team's check"
    return Referral.State(state).label


@dataclass
class MemberReferrals:
    rows: list[Referral]
    completed: int
    points_earned: int
    referred_by: Referral | None


def member_referrals(*, user) -> MemberReferrals:
    """The member's own referrals (latest first, friends named by display name) with their
    state in words, and the referral that brought the member in, if any. Two queries."""
    rows = list(Referral.objects.filter(advocate=user).select_related("friend")
                .order_by("-created_at", "-id")[:MEMBER_PAGE_SIZE])
    referred_by = (Referral.objects.filter(friend=user).select_related("advocate").first())
    for row in rows:
        row.words = state_in_words(row)
    if referred_by is not None:
        referred_by.words = state_in_words(referred_by, for_advocate=False)
    completed = [row for row in rows if row.state == Referral.State.COMPLETED]
    return MemberReferrals(rows=rows, completed=len(completed),
                           points_earned=sum(row.advocate_points for row in completed),
                           referred_by=referred_by)


def held_referrals() -> list[Referral]:
    """Referrals waiting for staff review, oldest first, with both members."""
    return list(Referral.objects.filter(state=Referral.State.HELD)
                .select_related("advocate", "friend").order_by("settled_at", "id"))


def recent_decisions() -> list[Referral]:
    return list(Referral.objects.filter(decided_at__isnull=False)
                .select_related("advocate", "friend", "decided_by")
                .order_by("-decided_at", "-id")[:RECENT_DECISIONS])


def held_count():
    """The staff menu's figure for referrals: how many are held for a decision (one query)."""
    from community.staff_links import Count

    return [Count(key="held", label="to review",
                  number=Referral.objects.filter(state=Referral.State.HELD).count())]
