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


@shared_task
def retrain_sentiment() -> str:
    """Daily: train and judge a new sentiment model once enough staff feedback came in; after
    a promotion, score again the reviews an older model scored."""
    from reviews.services import rescore_reviews
    from reviews.services.retraining import RetrainingUnavailable, retrain

    try:
        model = retrain()
    except RetrainingUnavailable as exc:
        return f"not retrained: {exc}"
    if model is None:
        return "not enough new feedback"
    if model.decision != model.Decision.PROMOTED:
        return f"{model.version} kept back"
    return f"{model.version} promoted; rescored {rescore_reviews(stale_only=True)} reviews"
