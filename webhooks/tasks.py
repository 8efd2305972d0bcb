"""Thin Celery tasks: ids in, one service call. Both are idempotent: an attempt takes its
delivery only when it is due (``services.attempt_delivery``)."""

from celery import shared_task

from webhooks import services


@shared_task(acks_late=True)
def deliver(delivery_id: int) -> str:
    return services.attempt_delivery(delivery_id=delivery_id)


@shared_task
def send_due_deliveries() -> dict[str, int]:
    return services.send_due()


@shared_task
def purge_old_deliveries() -> int:
    return services.purge_old_deliveries()
