"""Early access: membership of a group for a period, through the site's own permissions."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from rewards.models import Redemption, Reward


def grant_access(redemption: Redemption, reward: Reward, *, now: datetime.datetime) -> None:
    """Put the member in the reward's group until ``access_days`` from now (called inside the
    redemption's transaction). A member already in the group otherwise (staff, say) keeps
    that membership when the access ends."""
    member = redemption.member
    already = member.groups.filter(pk=reward.group_id).exists()
    active = Redemption.objects.filter(member=member, reward__group_id=reward.group_id,
                                       state=Redemption.State.ISSUED,
                                       access_until__gt=now).exclude(pk=redemption.pk)
    redemption.group_was_held = already and not active.exists() or active.filter(
        group_was_held=True).exists()
    redemption.access_until = now + datetime.timedelta(days=reward.access_days or 1)
    if not already:
        member.groups.add(reward.group_id)


def end_expired_access(*, now: datetime.datetime | None = None) -> int:
    """End every early access whose period is over: the redemption becomes EXPIRED and the
    member leaves the group unless another access to it is still running or they were in it
    before. Idempotent (an ended access is not ended twice). Returns how many ended."""
    now = now or timezone.now()
    ended = 0
    due = list(Redemption.objects.filter(state=Redemption.State.ISSUED, access_until__lte=now,
                                         reward__kind=Reward.Kind.EARLY_ACCESS)
               .values_list("pk", flat=True)[:500])
    for pk in due:
        with transaction.atomic():
            redemption = (Redemption.objects.select_for_update().select_related("reward", "member")
                          .filter(pk=pk, state=Redemption.State.ISSUED).first())
            if redemption is None:
                continue
            redemption.state = Redemption.State.EXPIRED
            redemption.updated_at = now
            redemption.save(update_fields=["state", "updated_at"])
            group_id = redemption.reward.group_id
            still = Redemption.objects.filter(member_id=redemption.member_id,
                                              reward__group_id=group_id,
                                              state=Redemption.State.ISSUED,
                                              access_until__gt=now).exists()
            if not still and not redemption.group_was_held and group_id:
                redemption.member.groups.remove(group_id)
            ended += 1
    return ended
