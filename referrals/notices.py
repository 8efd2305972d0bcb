"""What members hear about their referrals: the advocate when a friend joins through their
link, both members when the referral completes, and the advocate when a held referral is
decided. Sent by tasks after commit, each at most once (a dedupe key per referral and event),
so a retried task or a twice-announced order never notifies twice."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from community.services.notifications import notify
from referrals.models import Referral

KIND = "referrals.referral"
KIND_LABEL = "Your referrals: friends joining and rewards"


def _referral(referral_id: int) -> Referral | None:
    return (Referral.objects.select_related("advocate", "friend")
            .filter(pk=referral_id).first())


def _points(points: int) -> str:
    return f"{points} point" if points == 1 else f"{points} points"


def friend_joined(*, referral_id: int) -> None:
    """Tell the advocate their friend joined and what happens next."""
    referral = _referral(referral_id)
    if referral is None:
        return
    reward = settings.HEARTH_REFERRAL_ADVOCATE_POINTS
    next_step = (f" You will get {_points(reward)} when they place their first order."
                 if reward > 0 else "")
    notify(recipient=referral.advocate, kind=KIND, url=reverse("referrals:mine"),
           message=f"{referral.friend.name} joined through your link.{next_step}",
           dedupe_key=f"referral:{referral.pk}:joined")


def completed(*, referral_id: int) -> None:
    """Tell both members the referral completed and what each earned."""
    referral = _referral(referral_id)
    if referral is None or referral.state != Referral.State.COMPLETED:
        return
    url = reverse("referrals:mine")
    if referral.advocate_points:
        notify(recipient=referral.advocate, kind=KIND, url=url,
               message=f"{referral.friend.name} placed their first order: you earned "
                       f"{_points(referral.advocate_points)} for the referral.",
               dedupe_key=f"referral:{referral.pk}:completed")
    if referral.friend_points:
        notify(recipient=referral.friend, kind=KIND, url=reverse("badges:points"),
               message=f"Welcome bonus: {_points(referral.friend_points)} for joining through "
                       f"{referral.advocate.name}'s link and placing your first order.",
               dedupe_key=f"referral:{referral.pk}:completed")


def held(*, referral_id: int) -> None:
    """Tell the advocate their referral waits for a check by the team (never why: the
    reasons are fraud signals meant for staff)."""
    referral = _referral(referral_id)
    if referral is None or referral.state != Referral.State.HELD:
        return
    notify(recipient=referral.advocate, kind=KIND, url=reverse("referrals:mine"),
           message=f"Your referral of {referral.friend.name} is waiting for a quick check by "
                   "the team before its points are given.",
           dedupe_key=f"referral:{referral.pk}:held")


def rejected(*, referral_id: int) -> None:
    """Tell the advocate a held referral was not rewarded."""
    referral = _referral(referral_id)
    if referral is None or referral.state != Referral.State.REJECTED:
        return
    notify(recipient=referral.advocate, kind=KIND, url=reverse("referrals:mine"),
           message=f"Your referral of {referral.friend.name} was checked and does not earn "
                   "points. Contact the team if you think this is a mistake.",
           dedupe_key=f"referral:{referral.pk}:rejected")


def settled(*, referral_id: int) -> None:
    """The notice for the referral's current end state, if it has one."""
    referral = _referral(referral_id)
    if referral is None:
        return
    by_state = {Referral.State.COMPLETED: completed, Referral.State.HELD: held,
                Referral.State.REJECTED: rejected}
    notice = by_state.get(referral.state)
    if notice is not None:
        notice(referral_id=referral_id)
