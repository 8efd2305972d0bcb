"""Thin Celery tasks: call a service, own the schedule."""

from celery import shared_task

from outreach import services


@shared_task
def send_review_requests() -> dict[str, int]:
    """Hourly: plan requests for purchases whose delay is over and send what is due."""
    return services.run()
