"""Thin Celery tasks. Each is idempotent."""

from celery import shared_task


@shared_task(acks_late=True)
def purge_used_nonces() -> int:
    """Forget the nonces of shop log-in payloads that have expired anyway."""
    from sso.services import purge_used_nonces as purge

    return purge()
