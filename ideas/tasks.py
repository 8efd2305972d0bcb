"""Thin Celery tasks for ideas: fetch by id, call a service. Each is idempotent."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from community.deferred import enqueue_on_commit


@shared_task(acks_late=True)
def run_lifecycle() -> dict:
    """The periodic job: deadlines and milestones (every minute on beat and in `serve`)."""
    from ideas.services.lifecycle import run_lifecycle as run

    report = run()
    return {"expired": report.expired, "milestones": {str(k): v for k, v in report.milestones.items()}}


@shared_task(acks_late=True)
def refresh_trending() -> int:
    from ideas.services.lifecycle import refresh_trending as refresh

    return refresh()


@shared_task(acks_late=True)
def notify_status_change(status_change_id: int) -> int:
    """Fan a status change out to the idea's creator and supporters, in batches: one task
    per batch, so a popular idea never holds one worker for thousands of notifications."""
    from ideas.selectors import status_change_recipients

    batch_size = settings.HEARTH_IDEAS_NOTIFY_BATCH
    recipients = status_change_recipients(status_change_id=status_change_id)
    for start in range(0, len(recipients), batch_size):
        enqueue_on_commit(notify_status_change_batch, status_change_id, recipients[start:start + batch_size])
    return len(recipients)


@shared_task(bind=True, acks_late=True, max_retries=5, default_retry_delay=30)
def notify_status_change_batch(self, status_change_id: int, user_ids: list[int]) -> int:
    from ideas.services.notifications import notify_of_status_change

    return notify_of_status_change(status_change_id=status_change_id, user_ids=user_ids)


@shared_task(acks_late=True)
def embed_idea(idea_id: int) -> bool:
    """Store the idea's sentence embedding for similar-idea suggestions (when the encoder
    is installed and enabled)."""
    from ideas.services.similarity import store_embedding

    return store_embedding(idea_id=idea_id)
