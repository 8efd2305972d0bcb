"""Thin periodic tasks. Each is idempotent."""

from celery import shared_task


@shared_task(acks_late=True)
def refresh_trust_levels() -> int:
    from moderation.services.trust import refresh_all_trust_levels

    return refresh_all_trust_levels()


@shared_task(acks_late=True)
def notify_stalled_items() -> int:
    from moderation.services.queue import notify_stalled_items as notify_stalled

    return notify_stalled()


@shared_task(acks_late=True)
def purge_old_fingerprints() -> int:
    from moderation.services.spam import purge_old_fingerprints as purge

    return purge()


@shared_task(acks_late=True)
def record_member_activity(user_id: int, amounts: dict, token: str) -> bool:
    """Count a batch of one member's activity and refresh their trust level. ``token`` makes a
    redelivered task a no-op (see ``moderation.services.trust.report_activity``)."""
    from moderation.services.trust import apply_reported_activity

    return apply_reported_activity(user_id=user_id, amounts=amounts, token=token)
