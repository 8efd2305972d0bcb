"""Thin Celery tasks: call a service, own the schedule."""

import datetime

from celery import shared_task

from outreach import services


@shared_task
def send_review_requests() -> dict[str, int]:
    """Hourly: plan requests for purchases whose delay is over and send what is due."""
    return services.run()


@shared_task
def send_digests() -> int:
    """Hourly: owe one ``send_digest_batch`` per batch of members (the outbox). Returns how
    many batches."""
    return services.plan_digest_batches(task=send_digest_batch)


@shared_task(acks_late=True)
def send_digest_batch(member_ids: list[int], now: str) -> dict[str, int]:
    """One batch of digests; idempotent (a member's digest is sent once per period)."""
    return services.send_digest_batch(member_ids=member_ids, now=datetime.datetime.fromisoformat(now))
