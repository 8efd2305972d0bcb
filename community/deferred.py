"""Side effects after commit: the one helper that hands work to Celery, through an outbox.

``enqueue_on_commit`` writes an ``OutboxTask`` row in the caller's transaction, so the work a
write owes is committed with the write or not at all. After commit the task is handed to
Celery (without a broker, in embedded mode, it runs in-process at that moment) and the row is
marked dispatched; it is marked completed when the task has run to the end. Whatever the
broker did not take (it was down), or took but never ran to the end (a Redis restart lost the
queue, a worker died), is sent again by ``redispatch_owed``, the periodic
``community.tasks.dispatch_outbox``. Delivery is therefore at least once: every task must be
idempotent (DESIGN.md), and a task that runs twice changes nothing.

A row that used its HEARTH_OUTBOX_MAX_ATTEMPTS and whose last attempt still did not complete
within the redispatch lease is marked dead (``mark_dead``): the sweep stops sending it, one
error is logged, the row is kept (``purge_completed`` only deletes completed rows), community
managers see the count on the moderation dashboard (``dead_rows``), and ``requeue_dead``
(``manage.py retry_outbox``) gives it a fresh set of attempts once the cause is fixed.
"""

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError

from community.models import OutboxTask

logger = logging.getLogger(__name__)

# What sending raises when the broker cannot be reached (kombu wraps the client's errors).
BROKER_UNREACHABLE = (KombuOperationalError, OSError)

# The message header that carries the outbox row id to the worker (see mark_completed).
OUTBOX_HEADER = "hearth_outbox_id"

# After the broker refused a task, requests stop trying it for a few seconds and leave the
# rows to the sweep: a broker outage then costs one failed connection, not one per request.
_broker_paused_until = 0.0


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Owe ``task(*args, **kwargs)`` from the current transaction.

    Guarantees: nothing runs if the transaction rolls back; once it commits, the task runs at
    least once even if the broker is down now (the sweep sends it when the broker is back).
    Arguments must be JSON-serialisable (ids, not objects)."""
    row = OutboxTask.objects.create(task_name=task.name, args=list(args), kwargs=kwargs)

    def dispatch_after_commit() -> None:
        dispatch(row.pk, task, args, kwargs)

    # robust: a failing side effect is logged; it never turns a committed write into an error.
    # (A named function, not a functools.partial: Django's robust handler logs the callback's
    # __qualname__, which a partial lacks, and that AttributeError became a 500.)
    transaction.on_commit(dispatch_after_commit, robust=True)


def enqueue_best_effort_on_commit(task, *args, **kwargs) -> None:
    """Send ``task`` after commit without an outbox row, for work whose loss is harmless
    (counting reading activity for trust levels): it costs a page view no write, and if the
    broker is down the work is dropped with a log line, never retried."""

    def send() -> None:
        if _broker_paused():
            return
        try:
            task.apply_async(args=list(args), kwargs=dict(kwargs))
        except Exception:  # broker down, or (embedded mode) the task itself failed
            if not _eager():
                _pause_broker()
            logger.warning("best-effort task %s dropped", task.name, exc_info=True)

    transaction.on_commit(send, robust=True)


def _eager() -> bool:
    """Whether Celery runs tasks in-process (embedded mode) rather than through a broker."""
    from celery import current_app as app

    return bool(app.conf.task_always_eager)


def _broker_paused() -> bool:
    return not _eager() and time.monotonic() < _broker_paused_until


def _pause_broker() -> None:
    global _broker_paused_until
    _broker_paused_until = time.monotonic() + settings.HEARTH_OUTBOX_BROKER_PAUSE_SECONDS


def resume_broker() -> None:
    global _broker_paused_until
    _broker_paused_until = 0.0


def dispatch(row_id: int, task, args, kwargs) -> bool:
    """Hand one owed task to Celery and record the outcome on its row. Returns whether the
    task was taken (queued, or run successfully in embedded mode)."""
    if _broker_paused():
        return False
    now = timezone.now()
    try:
        result = task.apply_async(args=list(args), kwargs=dict(kwargs), headers={OUTBOX_HEADER: row_id})
    except Exception as exc:  # broker down, or (embedded mode) the task itself failed
        error = f"{type(exc).__name__}: {exc}"[:300]
        if not _eager():
            _pause_broker()
        logger.warning("task %s not dispatched; the outbox sweep will send it", task.name, exc_info=True)
        if not _eager() and isinstance(exc, BROKER_UNREACHABLE):
            # The broker never took the task: it is owed again at once (the next sweep past
            # the grace period sends it), not after the redispatch lease that gives a task
            # in a worker's hands its time. Nor is an attempt spent: attempts count tasks
            # handed over that did not complete, and a long outage must not use them up.
            OutboxTask.objects.filter(pk=row_id).update(dispatched_at=None, last_error=error)
            return False
        _record(row_id, dispatched_at=now, last_error=error)
        return False
    if _eager():
        # Run in-process: done when it succeeded, else owed again (the sweep retries it).
        ok = result.successful()
        error = "" if ok else f"{type(result.result).__name__}: {result.result}"[:300]
        _record(row_id, dispatched_at=now, completed_at=now if ok else None, last_error=error)
        return ok
    _record(row_id, dispatched_at=now)
    return True


def _record(row_id: int, **fields) -> None:
    OutboxTask.objects.filter(pk=row_id).update(attempts=F("attempts") + 1, **fields)


def mark_completed(row_id: int) -> None:
    """The task behind ``row_id`` ran to the end in a worker (celery ``task_success``): a
    late run of a row already marked dead counts too, and it is dead no more."""
    OutboxTask.objects.filter(pk=row_id, completed_at__isnull=True).update(
        completed_at=timezone.now(), dead_at=None)


def owed_rows():
    """Rows the sweep should send again: never dispatched (past a grace period that leaves
    the after-commit dispatch its chance), or dispatched long ago and never completed."""
    now = timezone.now()
    grace = timedelta(seconds=settings.HEARTH_OUTBOX_GRACE_SECONDS)
    lease = timedelta(seconds=settings.HEARTH_OUTBOX_REDISPATCH_SECONDS)
    return OutboxTask.objects.filter(
        Q(dispatched_at__isnull=True, created_at__lt=now - grace) | Q(dispatched_at__lt=now - lease),
        completed_at__isnull=True,
        dead_at__isnull=True,
        attempts__lt=settings.HEARTH_OUTBOX_MAX_ATTEMPTS,
    )


def dead_rows():
    """Rows given up on: every attempt used, never completed. Staff re-queue them."""
    return OutboxTask.objects.filter(dead_at__isnull=False, completed_at__isnull=True)


def mark_dead() -> int:
    """Mark dead the rows that used every attempt and whose last attempt had the whole
    redispatch lease to complete (a task still queued or running is given its chance).
    Logs one error naming them; returns how many this call marked."""
    lease = timedelta(seconds=settings.HEARTH_OUTBOX_REDISPATCH_SECONDS)
    now = timezone.now()
    exhausted = OutboxTask.objects.filter(
        Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=now - lease),
        completed_at__isnull=True, dead_at__isnull=True,
        attempts__gte=settings.HEARTH_OUTBOX_MAX_ATTEMPTS,
    )
    rows = list(exhausted.order_by("pk").values_list("pk", "task_name", "last_error")[:1000])
    if not rows:
        return 0
    # dead_at IS NULL again: of two sweeps racing, each row is marked (and counted) once.
    ids = [pk for pk, _name, _error in rows]
    marked = OutboxTask.objects.filter(pk__in=ids, dead_at__isnull=True).update(dead_at=now)
    if marked:
        names = ", ".join(sorted({name for _pk, name, _error in rows}))
        logger.error("%s outbox tasks failed %s times and are marked dead (%s; last error: %s); "
                     "re-queue them with `manage.py retry_outbox` once the cause is fixed",
                     marked, settings.HEARTH_OUTBOX_MAX_ATTEMPTS, names, rows[-1][2] or "none recorded")
    return marked


def requeue_dead(*, ids: list[int] | None = None, task_name: str | None = None) -> int:
    """Give dead rows (all, or those ``ids`` / of ``task_name``) a fresh set of attempts: the
    next sweep sends them. Their last error is kept until they run. Returns how many."""
    rows = dead_rows()
    if ids:
        rows = rows.filter(pk__in=ids)
    if task_name:
        rows = rows.filter(task_name=task_name)
    return rows.update(dead_at=None, attempts=0, dispatched_at=None)


def redispatch_owed(*, batch_size: int = 500) -> dict[str, int]:
    """Send again what the outbox still owes, oldest first, at most ``batch_size`` rows.

    Rows are claimed (their ``dispatched_at`` moved to now) under ``SKIP LOCKED`` before
    anything is sent, so two sweeps never send the same row; a sweep that dies after the
    claim leaves the rows to be sent again once the lease runs out."""
    from celery import current_app as app

    app.loader.import_default_modules()
    resume_broker()
    with transaction.atomic():
        claimed = list(
            owed_rows().select_for_update(skip_locked=True).order_by("created_at")[:batch_size]
        )
        OutboxTask.objects.filter(pk__in=[row.pk for row in claimed]).update(dispatched_at=timezone.now())
    sent = failed = 0
    for row in claimed:
        task = app.tasks.get(row.task_name)
        if task is None:
            logger.error("outbox row %s names an unknown task %s", row.pk, row.task_name)
            _record(row.pk, last_error="unknown task")
            failed += 1
            continue
        if dispatch(row.pk, task, row.args, row.kwargs):
            sent += 1
        else:
            failed += 1
            if _broker_paused():
                break  # the broker is down again: the rest waits for the next sweep
    died = mark_dead()
    return {"sent": sent, "failed": failed, "died": died, "dead": dead_rows().count()}


def purge_completed() -> int:
    cutoff = timezone.now() - timedelta(days=settings.HEARTH_OUTBOX_KEEP_DAYS)
    deleted, _ = OutboxTask.objects.filter(completed_at__lt=cutoff).delete()
    return deleted
