"""Referral writes: the member's code, a sign-up through a link, settling a referral when the
friend's first order is paid, and staff decisions on held referrals."""

from __future__ import annotations

import datetime
import ipaddress
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from badges.services.wallet import award_points
from community.deferred import enqueue_on_commit
from community.refusals import Conflict, Invalid, NotPermitted
from community.roles import is_brand_staff, is_community_manager
from moderation.models import ModerationAction
from moderation.services.audit import record_action
from referrals import fraud
from referrals.models import PaidOrder, Referral, ReferralCode

ADVOCATE_REASON = "referral_advocate"
FRIEND_REASON = "referral_friend"
SOURCE_LABEL = "referrals.referral"
CODE_MAX_LENGTH = 32


def _tasks():
    # Imported late: the tasks module imports this one.
    from referrals import tasks

    return tasks


def can_review(user) -> bool:
    """Community managers and brand staff review held referrals."""
    return is_community_manager(user) or is_brand_staff(user)


def code_for(*, user) -> ReferralCode:
    """The member's referral code, made on first use: 16 URL-safe characters from the
    system's random source (96 bits), so links cannot be guessed or enumerated. Safe to call
    from parallel requests: the one code the database keeps is returned to both."""
    existing = ReferralCode.objects.filter(user=user).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return ReferralCode.objects.create(user=user, code=secrets.token_urlsafe(12))
    except IntegrityError:
        return ReferralCode.objects.get(user=user)


def advocate_for_code(code: str | None):
    """The member whose link carries ``code``, or None for a missing or unknown code."""
    if not code or len(code) > CODE_MAX_LENGTH:
        return None
    row = ReferralCode.objects.select_related("user").filter(code=code).first()
    return row.user if row is not None and row.user.is_active else None


def record_signup(*, friend, code: str | None, signup_ip: str | None,
                  now: datetime.datetime | None = None) -> Referral | None:
    """Record that ``friend`` signed up through the link carrying ``code``: a pending
    referral. Nothing is recorded for an unknown code, for the advocate's own account, or
    for a member already referred (the first link counts). Returns the referral or None."""
    advocate = advocate_for_code(code)
    if advocate is None or advocate.pk == friend.pk:
        return None
    try:
        signup_ip = str(ipaddress.ip_address(signup_ip or ""))
    except ValueError:
        signup_ip = None
    try:
        with transaction.atomic():
            referral = Referral.objects.create(advocate=advocate, friend=friend,
                                               signup_ip=signup_ip,
                                               created_at=now or timezone.now())
            enqueue_on_commit(_tasks().notify_friend_joined, referral.pk)
            return referral
    except IntegrityError:
        return None


def _reward(referral: Referral, *, now: datetime.datetime) -> None:
    """Give both members their points and mark the referral completed. The caller holds the
    referral's row lock and has checked its state."""
    advocate_points = settings.HEARTH_REFERRAL_ADVOCATE_POINTS
    friend_points = settings.HEARTH_REFERRAL_FRIEND_POINTS
    if advocate_points > 0:
        award_points(user_id=referral.advocate_id, points=advocate_points, reason=ADVOCATE_REASON,
                     source_label=SOURCE_LABEL, source_id=referral.pk, now=now,
                     note=f"{referral.friend.name} joined through your link and placed an order")
    if friend_points > 0:
        award_points(user_id=referral.friend_id, points=friend_points, reason=FRIEND_REASON,
                     source_label=SOURCE_LABEL, source_id=referral.pk, now=now,
                     note=f"You joined through {referral.advocate.name}'s link and placed an order")
    referral.state = Referral.State.COMPLETED
    referral.advocate_points = max(advocate_points, 0)
    referral.friend_points = max(friend_points, 0)
    referral.completed_at = now


def settle_paid_order(*, order_id: int, user_id: int, email: str = "", customer_id: str = "",
                      is_first_order: bool | None = None,
                      now: datetime.datetime | None = None) -> Referral | None:
    """Hear of a paid order attributed to member ``user_id`` (``shop.signals.order_paid``).

    The order's facts are kept for the fraud rules. If the member was referred and their
    referral is pending, it is settled by this order: completed (both members rewarded) or
    held for staff review with the reasons. Idempotent and safe in parallel: the referral's
    row is locked and only a pending referral moves, so an order announced twice, or two
    orders at once, settle it once. Returns the member's referral, or None."""
    now = now or timezone.now()
    with transaction.atomic():
        PaidOrder.objects.bulk_create(
            [PaidOrder(order_id=order_id, user_id=user_id, email=(email or "")[:254],
                       customer_id=str(customer_id or "")[:100], paid_at=now)],
            ignore_conflicts=True)
        referral = (Referral.objects.select_for_update(of=("self",))
                    .select_related("advocate", "friend").filter(friend_id=user_id).first())
        if referral is None or referral.state != Referral.State.PENDING:
            return referral
        order = fraud.OrderFacts(order_id=order_id, email=email or "",
                                 customer_id=str(customer_id or ""), is_first_order=is_first_order)
        findings = fraud.reasons_to_hold(referral, order)
        referral.order_id, referral.order_email = order_id, order.email[:254]
        referral.order_customer_id, referral.settled_at = order.customer_id[:100], now
        if findings.reasons:
            referral.state = Referral.State.HELD
            referral.hold_reasons = findings.reasons
            referral.hold_details = "\n".join(findings.details)
        else:
            _reward(referral, now=now)
        referral.save()
        enqueue_on_commit(_tasks().notify_settled, referral.pk)
    return referral


def _held_for_decision(*, actor, referral_id: int, note: str) -> tuple[Referral, str]:
    if not can_review(actor):
        raise NotPermitted("Only community managers and brand staff review referrals.")
    note = (note or "").strip()
    if not note:
        raise Invalid("Add a note saying why: it is kept with the decision.")
    referral = (Referral.objects.select_for_update(of=("self",))
                .select_related("advocate", "friend").filter(pk=referral_id).first())
    if referral is None:
        raise Invalid("That referral does not exist.")
    if referral.state != Referral.State.HELD:
        raise Conflict("This referral is no longer waiting for review: someone decided it "
                       "already.")
    return referral, note[:500]


def _decide(referral: Referral, *, actor, note: str, kind: str, now) -> None:
    referral.decided_by, referral.decided_at, referral.decision_note = actor, now, note
    referral.save()
    enqueue_on_commit(_tasks().notify_settled, referral.pk)
    record_action(
        actor=actor, action=kind, obj=referral, target_user=referral.friend, reason=note,
        snapshot=f"{referral.friend.own_name} referred by {referral.advocate.own_name}: "
                 f"{referral.hold_details}",
        extra={"advocate_id": referral.advocate_id, "friend_id": referral.friend_id,
               "hold_reasons": referral.hold_reasons},
    )


def approve_referral(*, actor, referral_id: int, note: str,
                     now: datetime.datetime | None = None) -> Referral:
    """Staff approve a held referral: both members get their points, the decision and its
    note go to the audit log, all in one transaction. Refused (changing nothing) for anyone
    but community managers and brand staff, without a note, or once it was decided."""
    now = now or timezone.now()
    with transaction.atomic():
        referral, note = _held_for_decision(actor=actor, referral_id=referral_id, note=note)
        _reward(referral, now=now)
        _decide(referral, actor=actor, note=note, kind=ModerationAction.Kind.REFERRAL_APPROVE,
                now=now)
    return referral


def reject_referral(*, actor, referral_id: int, note: str,
                    now: datetime.datetime | None = None) -> Referral:
    """Staff reject a held referral: nobody is rewarded; the decision and its note go to the
    audit log. Refused as ``approve_referral`` is."""
    now = now or timezone.now()
    with transaction.atomic():
        referral, note = _held_for_decision(actor=actor, referral_id=referral_id, note=note)
        referral.state = Referral.State.REJECTED
        _decide(referral, actor=actor, note=note, kind=ModerationAction.Kind.REFERRAL_REJECT,
                now=now)
    return referral
