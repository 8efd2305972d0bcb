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
