"""Thin Celery tasks for privacy. Each is idempotent."""

from celery import shared_task


@shared_task(acks_late=True)
def build_export(export_id: int) -> bool:
    """Build one requested export (see privacy.services.exports.build_export)."""
    from privacy.services.exports import build_export as build

    return build(export_id=export_id)


@shared_task
def purge_expired_exports() -> int:
    """Daily: delete export files past their validity."""
    from privacy.services.exports import purge_expired_exports as purge

    return purge()


@shared_task
def erase_due_members() -> int:
    """Hourly: anonymise the members whose 14 days of grace are over."""
    from privacy.services.erasure import erase_due_members as erase

    return erase()


@shared_task
def purge_retained_data() -> dict[str, int]:
    """Daily: clear IP addresses past their days and delete expired sessions."""
    from privacy.services.retention import purge_retained_data as purge

    return purge()
