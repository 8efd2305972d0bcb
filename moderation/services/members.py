"""Actions on members: warnings and suspensions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from community.events import send_on_commit
from community.models import User
from community.roles import is_community_manager
from community.services.notifications import notify
from moderation.models import ModerationAction, QueueItem, Suspension
from moderation.selectors import forget_suspension
from moderation.services.audit import record_action
from moderation.services.limits import ActionRefused
from moderation.signals import user_suspended


def _require_manager(actor) -> None:
    if not is_community_manager(actor):
        raise PermissionDenied("Only community managers can do this.")


def _check_target(*, actor, user) -> None:
    if user is None:
        raise ActionRefused("This content has no author to act on.")
    if user.pk == actor.pk:
        raise ActionRefused("You cannot do this to yourself.")
    if is_community_manager(user):
        raise ActionRefused("Community managers cannot be warned or suspended here; ask a site admin.")


def _forget_now_and_after_commit(user_id: int) -> None:
    # Now, for this request; again after commit, in case another request cached the old
    # state in between.
    sync_suspended_until(user_id=user_id)
    forget_suspension(user_id)
    transaction.on_commit(lambda: forget_suspension(user_id))


PERMANENT = datetime(9999, 12, 31, tzinfo=UTC)


def sync_suspended_until(*, user_id: int) -> None:
    """Copy the end of the member's longest running suspension onto their user row."""
    now = timezone.now()
    running = Suspension.objects.filter(user_id=user_id, lifted_at__isnull=True).filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=now)
    )
    ends = [s.ends_at or PERMANENT for s in running.only("ends_at")]
    User.objects.filter(pk=user_id).update(suspended_until=max(ends, default=None))


def recompute_suspended_until() -> int:
    """Rebuild every member's ``suspended_until`` from the Suspension rows; returns how many
    rows had drifted (expired suspensions are cleared too)."""
    now = timezone.now()
    drifted = 0
    candidates = set(User.objects.filter(suspended_until__isnull=False).values_list("pk", flat=True))
    candidates |= set(Suspension.objects.filter(lifted_at__isnull=True).filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=now)).values_list("user_id", flat=True))
    for user_id in candidates:
        before = User.objects.filter(pk=user_id).values_list("suspended_until", flat=True).first()
        sync_suspended_until(user_id=user_id)
        after = User.objects.filter(pk=user_id).values_list("suspended_until", flat=True).first()
        drifted += before != after
    return drifted


def warn_member(*, actor, user, reason: str, item: QueueItem | None = None, checked: bool = False) -> None:
    """Send the member a warning they see in their notifications; recorded in the log."""
    if not checked:
        _require_manager(actor)
    _check_target(actor=actor, user=user)
    reason = reason.strip()
    if not reason:
        raise ActionRefused("Write the warning the member will read.")
    with transaction.atomic():
        action = record_action(
            actor=actor, action=ModerationAction.Kind.WARN, item=item, target_user=user,
            snapshot=item.excerpt if item else f"@{user.username}", reason=reason,
        )
        notify(
            recipient=user, kind="moderation.warning", actor=actor,
            message=f"A community manager sent you a warning: {reason}",
            url=user.get_absolute_url(), dedupe_key=f"moderation.warn.{action.pk}",
        )


def suspend_member(
    *, actor, user, days: int | None, reason: str, item: QueueItem | None = None, checked: bool = False
) -> Suspension:
    """Suspend ``user`` for ``days`` (None: permanently).

    Guarantees: recorded in the audit log; the member is told why and until when; their
    cached suspension state is cleared after commit so every page shows it at once;
    ``user_suspended`` is sent after commit.
    """
    if not checked:
        _require_manager(actor)
    _check_target(actor=actor, user=user)
    reason = reason.strip()
    if not reason:
        raise ActionRefused("Give the reason the member will see.")
    if days is not None and days < 1:
        raise ActionRefused("A suspension lasts at least one day (or leave it empty for permanent).")
    now = timezone.now()
    ends_at = now + timedelta(days=days) if days is not None else None
    with transaction.atomic():
        suspension = Suspension.objects.create(
            user=user, starts_at=now, ends_at=ends_at, reason=reason, created_by=actor
        )
        until = f"until {ends_at:%d %B %Y, %H:%M} UTC" if ends_at else "permanently"
        record_action(
            actor=actor, action=ModerationAction.Kind.SUSPEND, item=item, target_user=user,
            snapshot=item.excerpt if item else f"@{user.username}", reason=reason,
            extra={"days": days, "ends_at": ends_at.isoformat() if ends_at else None,
                   "suspension_id": suspension.pk},
        )
        notify(
            recipient=user, kind="moderation.suspension", actor=actor,
            message=f"Your account is suspended {until}: {reason}",
            url=user.get_absolute_url(), dedupe_key=f"moderation.suspend.{suspension.pk}",
        )
        _forget_now_and_after_commit(user.pk)
        send_on_commit(user_suspended, suspension_id=suspension.pk, user_id=user.pk, actor_id=actor.pk,
                       ends_at=ends_at)
    return suspension


def lift_suspension(*, actor, suspension_id: int, reason: str) -> Suspension:
    """End a suspension early. The row stays, with who lifted it, when and why."""
    _require_manager(actor)
    with transaction.atomic():
        suspension = Suspension.objects.select_for_update().select_related("user").get(pk=suspension_id)
        now = timezone.now()
        if suspension.lifted_at is not None or (suspension.ends_at and suspension.ends_at <= now):
            raise ActionRefused("This suspension has already ended; nothing was changed.")
        suspension.lifted_at = now
        suspension.lifted_by = actor
        suspension.lift_reason = reason.strip()
        suspension.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
        record_action(
            actor=actor, action=ModerationAction.Kind.LIFT, target_user=suspension.user,
            snapshot=f"@{suspension.user.username}", reason=reason,
            extra={"suspension_id": suspension.pk},
        )
        notify(
            recipient=suspension.user, kind="moderation.suspension", actor=actor,
            message="Your suspension was lifted. Welcome back.",
            url=suspension.user.get_absolute_url(), dedupe_key=f"moderation.lift.{suspension.pk}",
        )
        _forget_now_and_after_commit(suspension.user_id)
    return suspension
