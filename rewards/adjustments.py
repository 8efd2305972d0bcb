"""Staff grants and deductions of points: the ledger entry, the audit log row and the
member's notification, in one transaction."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse

from badges.models import PointsAdjustment
from badges.services import wallet
from community.models import User
from community.refusals import Invalid, NotPermitted
from community.roles import is_brand_staff, is_community_manager
from community.services.notifications import notify
from moderation.models import ModerationAction
from moderation.services.audit import record_action


def may_run_rewards(user) -> bool:
    """Brand staff run the loyalty programme; community managers may too."""
    return is_brand_staff(user) or is_community_manager(user)


def adjust_member_points(*, actor, username: str, points: int, reason: str) -> PointsAdjustment:
    """Grant (points > 0) or deduct (points < 0) a member's points with a reason they read in
    their history and in a notification. Refuses anyone who does not run rewards, an unknown
    member, a zero or missing reason, and a deduction larger than what the member has left to
    spend; nothing changes when refused. Logged in the audit log with the reason."""
    if not may_run_rewards(actor):
        raise NotPermitted("Only brand staff and community managers adjust points.")
    member = User.objects.filter(username__iexact=(username or "").strip()).first()
    if member is None:
        raise Invalid(f"No member is called “{username}”.")
    with transaction.atomic():
        adjustment = wallet.adjust_points(actor=actor, user_id=member.pk, points=points,
                                          reason=reason)
        record_action(actor=actor, action=ModerationAction.Kind.POINTS, obj=adjustment,
                      target_user=member, reason=adjustment.reason,
                      extra={"points": points})
        verb = "added" if points > 0 else "took back"
        notify(recipient=member, kind=wallet.ADJUSTMENT_KIND,
               message=f"The team {verb} {abs(points):,} points: {adjustment.reason}",
               url=reverse("badges:points"))
    return adjustment
