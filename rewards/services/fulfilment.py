"""Staff fulfilment of physical gifts: pending -> shipped (with a tracking note) or
cancelled (points refunded by a reversing entry, stock given back). Brand staff and
community managers only; every action is in the audit log, in the same transaction."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from badges.services.wallet import refund_spent_points
from community.deferred import enqueue_on_commit
from community.refusals import Conflict, Invalid, NotPermitted
from community.roles import is_brand_staff, is_community_manager
from moderation.models import ModerationAction
from moderation.services.audit import record_action
from rewards.models import Redemption, Reward
from rewards.services._common import lock_member


def can_fulfil(user) -> bool:
    return is_brand_staff(user) or is_community_manager(user)


def _pending(*, actor, redemption_id: int) -> Redemption:
    if not can_fulfil(actor):
        raise NotPermitted("Only brand staff and community managers fulfil rewards.")
    member_id = Redemption.objects.filter(pk=redemption_id).values_list("member_id", flat=True).first()
    if member_id is None:
        raise Invalid("That redemption does not exist.")
    lock_member(member_id)
    redemption = (Redemption.objects.select_for_update().select_related("reward", "member")
                  .get(pk=redemption_id))
    if redemption.state != Redemption.State.PENDING:
        raise Conflict(f"This redemption is already {redemption.get_state_display().lower()}.")
    return redemption


def ship(*, actor, redemption_id: int, tracking_note: str,
         now: datetime.datetime | None = None) -> Redemption:
    """Mark a pending gift shipped with a tracking note the member sees; Conflict when it was
    shipped or cancelled meanwhile. The member is notified after commit."""
    tracking_note = (tracking_note or "").strip()
    if not tracking_note:
        raise Invalid("Add a tracking note (carrier and tracking number) for the member.")
    now = now or timezone.now()
    with transaction.atomic():
        redemption = _pending(actor=actor, redemption_id=redemption_id)
        redemption.state = Redemption.State.SHIPPED
        redemption.tracking_note = tracking_note[:300]
        redemption.updated_at = now
        redemption.save(update_fields=["state", "tracking_note", "updated_at"])
        record_action(actor=actor, action=ModerationAction.Kind.EXTRA, obj=redemption,
                      snapshot=redemption.reward.title, target_user=redemption.member,
                      reason=tracking_note, extra={"label": "Shipped a reward"})
        from rewards import tasks

        enqueue_on_commit(tasks.notify_fulfilment, redemption.pk)
    return redemption


def cancel(*, actor, redemption_id: int, reason: str,
           now: datetime.datetime | None = None) -> Redemption:
    """Cancel a pending gift: its points come back by a reversing entry and its stock is
    returned, all in one transaction with the audit row; Conflict when it was shipped or
    cancelled meanwhile (nothing is refunded twice). The member is notified after commit."""
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("Say why the gift is cancelled: the member reads it.")
    now = now or timezone.now()
    with transaction.atomic():
        redemption = _pending(actor=actor, redemption_id=redemption_id)
        redemption.state = Redemption.State.CANCELLED
        redemption.tracking_note = reason[:300]
        redemption.updated_at = now
        redemption.save(update_fields=["state", "tracking_note", "updated_at"])
        if redemption.reward.stock is not None:
            Reward.objects.filter(pk=redemption.reward_id).update(stock=F("stock") + 1)
        if redemption.spend_entry_id:
            refund_spent_points(spend_entry_id=redemption.spend_entry_id,
                                note=f"Cancelled: {redemption.reward.title}", now=now)
        record_action(actor=actor, action=ModerationAction.Kind.EXTRA, obj=redemption,
                      snapshot=redemption.reward.title, target_user=redemption.member,
                      reason=reason, extra={"label": "Cancelled a reward, points refunded",
                                            "points": redemption.points})
        from rewards import tasks

        enqueue_on_commit(tasks.notify_fulfilment, redemption.pk)
    return redemption
