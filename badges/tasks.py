"""Thin Celery tasks: ids in, one service call, retries on transient database errors. Every
task is idempotent: the ledger's unique key turns a second run into a no-op. Points events
are not tasks of their own: they wait in the engine's inbox and ``drain_events`` feeds them
to the engine in batches (badges.services.inbox)."""

from celery import shared_task
from django.db import OperationalError

from badges.services import awards, expiry, inbox, levels, rings

RETRY = {"autoretry_for": (OperationalError,), "retry_backoff": True, "max_retries": 5,
         "acks_late": True}


@shared_task(**RETRY)
def check_profile_badges(user_id: int) -> int:
    return awards.check_profile_badges(user_id=user_id)


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


@shared_task(**RETRY)
def expire_inactive_points() -> int:
    return expiry.expire_inactive_points()


@shared_task(**RETRY)
def remind_before_expiry() -> int:
    return expiry.remind_before_expiry()


@shared_task(**RETRY)
def relevel_members(user_ids: list[int]) -> int:
    """An order of theirs was paid or refunded: levels by spend follow (a no-op under the
    points basis)."""
    return len(levels.relevel(user_ids=user_ids))


@shared_task(**RETRY)
def relevel_everyone() -> int:
    """The basis or a level's thresholds changed."""
    return levels.relevel_everyone()


@shared_task(**RETRY)
def relevel_lapsed() -> int:
    """Daily: spend that aged out of its 12 months lowers levels."""
    return levels.relevel_lapsed()
