"""What members are told about their redemptions: a notification (live to their open pages,
emailed per their preference for the kind), keyed so a retried task tells them once."""

from __future__ import annotations

from django.urls import reverse

from community.services.notifications import notify
from rewards.models import Redemption, Reward
from rewards.services._common import NOTIFICATION_KIND


def _message(redemption: Redemption) -> str:
    reward = redemption.reward
    if redemption.code:
        return f"Your code for {reward.title}: {redemption.code}"
    if reward.kind == Reward.Kind.GIFT:
        return f"We have your order for {reward.title}; we will tell you when it ships."
    if reward.kind == Reward.Kind.EARLY_ACCESS and redemption.access_until:
        return f"{reward.title} is open to you until {redemption.access_until:%d %b %Y}."
    if reward.kind == Reward.Kind.DONATION:
        return f"Thank you: your points became a donation to {reward.cause}."
    return f"You redeemed {reward.title}."


def notify_redemption(*, redemption_id: int) -> bool:
    """Tell the member what they redeemed (with its code). Once per redemption."""
    redemption = (Redemption.objects.select_related("reward__cause", "member")
                  .filter(pk=redemption_id).first())
    if redemption is None:
        return False
    url = reverse("rewards:mine") + f"#redemption-{redemption.pk}"
    return notify(recipient=redemption.member, kind=NOTIFICATION_KIND,
                  message=_message(redemption), url=url,
                  dedupe_key=f"rewards.redeemed.{redemption.pk}") is not None


def notify_fulfilment(*, redemption_id: int) -> bool:
    """Tell the member their gift shipped (with the tracking note) or was cancelled (and their
    points came back). Once per state."""
    redemption = (Redemption.objects.select_related("reward", "member")
                  .filter(pk=redemption_id).first())
    if redemption is None or redemption.state not in (Redemption.State.SHIPPED,
                                                      Redemption.State.CANCELLED):
        return False
    title = redemption.reward.title
    if redemption.state == Redemption.State.SHIPPED:
        message = f"{title} has shipped: {redemption.tracking_note}"
    else:
        message = (f"{title} was cancelled ({redemption.tracking_note}); your "
                   f"{redemption.points:,} points are back.")
    url = reverse("rewards:mine") + f"#redemption-{redemption.pk}"
    return notify(recipient=redemption.member, kind=NOTIFICATION_KIND, message=message, url=url,
                  dedupe_key=f"rewards.{redemption.state}.{redemption.pk}") is not None
