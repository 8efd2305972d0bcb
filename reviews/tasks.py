"""Thin Celery tasks: fetch by id, call a service. Each is idempotent."""

from celery import shared_task


@shared_task(acks_late=True)
def score_review(review_id: int, text_version: int) -> str:
    from reviews.services import score_reviews

    return score_reviews(review_ids=[review_id], only_version={review_id: text_version})


@shared_task
def score_pending_reviews() -> str:
    from reviews.services import sweep_pending_reviews

    return sweep_pending_reviews()


@shared_task
def escalate_overdue_follow_ups() -> int:
    from reviews.services import escalate_overdue_follow_ups as escalate

    return escalate()


@shared_task(acks_late=True)
def record_order_purchases(order_id: int) -> int:
    from reviews.services import record_order_purchases as record

    return record(order_id=order_id)
