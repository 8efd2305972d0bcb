"""Thin Celery tasks: ids in, one service call, retries on transient database errors. Every
task is idempotent: the ledger's unique key turns a second run into a no-op."""

from celery import shared_task
from django.db import OperationalError

from badges.models import PointsEntry
from badges.services import awards, inbox, ledger, rings

RETRY = {"autoretry_for": (OperationalError,), "retry_backoff": True, "max_retries": 5,
         "acks_late": True}


@shared_task(**RETRY)
def record_event(kind: str, user_id: int, source_id: int, actor_id: int | None = None,
                 variant: int | None = None, occurrence: int | None = None) -> bool:
    return ledger.record_event(kind=kind, user_id=user_id, source_id=source_id,
                               actor_id=actor_id, variant=variant,
                               occurrence=occurrence) is not None


@shared_task(**RETRY)
def record_events(events: list[dict]) -> int:
    """A batch of events (keyword arguments of ``ledger.record_event``, or of
    ``ledger.reverse_event`` with ``reverse: true``) in one transaction."""
    return ledger.record_events(events=events)


@shared_task(**RETRY)
def reverse_event(kind: str, source_id: int, user_id: int | None = None,
                  variant: int | None = None) -> int:
    return len(ledger.reverse_event(kind=kind, source_id=source_id, user_id=user_id,
                                    variant=variant))


@shared_task(**RETRY)
def reverse_source(source_label: str, source_id: int) -> int:
    return inbox.reverse_source(source_label=source_label, source_id=source_id)


@shared_task(**RETRY)
def reverse_content(content_type_id: int, object_id: int, cause: str = PointsEntry.DELETED) -> int:
    return inbox.reverse_content(content_type_id=content_type_id, object_id=object_id, cause=cause)


@shared_task(**RETRY)
def restore_content(content_type_id: int, object_id: int) -> int:
    return inbox.restore_content(content_type_id=content_type_id, object_id=object_id)


@shared_task(**RETRY)
def check_profile_badges(user_id: int) -> int:
    return awards.check_profile_badges(user_id=user_id)


@shared_task(**RETRY)
def accept_answer(post_id: int, answer_author_id: int, topic_author_id: int,
                  previous_post_id: int | None = None) -> bool:
    return inbox.accept_answer(post_id=post_id, answer_author_id=answer_author_id,
                               topic_author_id=topic_author_id, previous_post_id=previous_post_id)


@shared_task(**RETRY)
def record_review(review_id: int, author_id: int, verified_owner: bool | None = None) -> bool:
    return inbox.record_review(review_id=review_id, author_id=author_id, verified_owner=verified_owner)


@shared_task(**RETRY)
def drain_events() -> int:
    """Feed the points inbox to the engine in batches (after events commit, and every minute
    from beat). If another drain holds the inbox, it takes what is waiting; the check again
    a moment later covers rows that arrived as it finished."""
    from celery import current_app as app

    # In-process (embedded mode, tests) nothing else would come back for the rows: wait.
    drained = inbox.drain(wait=bool(app.conf.task_always_eager))
    if drained is None and inbox.has_pending():
        drain_events.apply_async(countdown=1)
    return drained or 0


@shared_task
def backfill_badges() -> dict:
    return awards.backfill_badges()


@shared_task
def detect_rings() -> int:
    return len(rings.detect_rings())
