"""The points engine's inbox: events wait here and are fed to the engine in batches.

The badges receivers call ``enqueue`` as recorders (``community.events``), inside the
transaction of the write that caused the event: one row per event, committed with the write
or not at all, and after commit a ``drain_events`` task is owed (once per transaction). A
drain takes the rows in id order, up to ``BATCH_SIZE`` at a time, and feeds each run of
awards and withdrawals to ``ledger.record_events`` as one batch (one transaction, a constant
number of statements), so under load the engine works on
hundreds of events per transaction while a quiet site still sees each event within moments.

Order: one drainer at a time (a PostgreSQL advisory lock), reading in id order, so a member's
like and its withdrawal, or a reply and the hiding of it, reach the engine in the order they
happened (an act is only possible once the act it undoes has committed, so its row always
gets the later id). Nothing is lost: a row commits with the content, and is deleted in the
transaction that applied it; if the process dies before the drain is sent, or the broker is
down, the periodic ``drain_events`` (every minute) takes what is waiting. A row that keeps
failing is retried ``MAX_ATTEMPTS`` times, then left for staff (``dead_events``) without
holding up the rows behind it.

Why a queue of its own rather than one outbox task per event: the engine applies a batch of
500 events in one transaction with a constant number of statements, and one drainer in id
order keeps each award before its withdrawal, which tasks run by several workers would not.
Measured on 5,000 events (``python -m bench.badges --events 5000 --members 2000`` with
``--path inbox``, then ``--path direct --batch 1 --workers 2``): through the inbox 1,069
events/s at 0.51 statements per event; one event per transaction, as one task per event would
apply them (before any broker or outbox cost), 54 events/s from two processes at 14.6
statements per event (bench/results/badges-2026-12-04-*.json).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from badges import kinds
from badges.models import PendingEvent, PointsEntry
from badges.services import ledger
from badges.services.wallet import award_points, take_back_points
from community import cache_versions

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
MAX_ATTEMPTS = 5
# pg_advisory_xact_lock key for "draining the points inbox" (any constant unique to Hearth).
DRAIN_LOCK_KEY = 0x4845_4152_5448_0001
# Set while a drain task is on its way; if sending it failed, the mark lapses after this.
DRAIN_OWED_KEY = "badges:inbox-drain-owed"
DRAIN_OWED_SECONDS = 10


def enqueue(op: str, **args) -> PendingEvent:
    """Owe the engine one event. ``op`` is one of OPS; ``args`` are JSON-serialisable ids."""
    if op not in OPS and op not in BATCHED:
        raise ValueError(f"unknown points event {op!r}")
    event = PendingEvent.objects.create(op=op, args=args)
    _owe_drain()
    return event


def _owe_drain() -> None:
    """After commit, make sure a drain task is on its way. One pending drain serves every
    event that commits before it starts (it clears the mark as it starts, then reads), so a
    busy site sends one task per batch, not one per event."""

    def send_drain() -> None:
        from badges import tasks
        from community.deferred import enqueue_best_effort_on_commit

        if cache.add(DRAIN_OWED_KEY, True, timeout=DRAIN_OWED_SECONDS):
            # Best effort: if the broker is down, the periodic drain takes the rows.
            enqueue_best_effort_on_commit(tasks.drain_events)

    transaction.on_commit(send_drain, robust=True)


def drain(*, batch_size: int = BATCH_SIZE, wait: bool = False) -> int | None:
    """Feed everything waiting to the engine, batch after batch, until the inbox is empty.
    Returns how many events were applied, or None when another drainer holds the lock (it
    will take what is waiting). ``wait`` blocks for the lock instead."""
    cache.delete(DRAIN_OWED_KEY)  # events committing from now on send a drain of their own
    applied = 0
    failed: set[int] = set()  # tried once in this drain: the next drain tries them again
    while True:
        with transaction.atomic():
            if not _take_drain_lock(wait=wait):
                return applied or None
            rows = list(PendingEvent.objects.filter(attempts__lt=MAX_ATTEMPTS)
                        .exclude(pk__in=failed).order_by("pk")[:batch_size])
            if not rows:
                return applied
            done = _apply_rows(rows)
            PendingEvent.objects.filter(pk__in=done).delete()
            if done:
                # Once per batch, not per event: the boards' cached ranks are stale after it.
                cache_versions.bump("leaderboard", 0)
            applied += len(done)
            failed.update(row.pk for row in rows if row.pk not in set(done))


def has_pending() -> bool:
    return PendingEvent.objects.filter(attempts__lt=MAX_ATTEMPTS).exists()


def dead_events():
    """Events that failed MAX_ATTEMPTS times: no longer retried, kept for staff to look at."""
    return PendingEvent.objects.filter(attempts__gte=MAX_ATTEMPTS)


def failed_events_summary() -> list[dict]:
    """Dead events per kind, in the shape of ``community.selectors.failed_deferred_tasks``
    (registered with it, so the moderation dashboard counts them). One query."""
    from django.db.models import Count, Max, OuterRef, Subquery

    dead = dead_events()
    newest_error = (dead.filter(op=OuterRef("op")).order_by("-failed_at", "-pk")
                    .values("last_error")[:1])
    return [
        {"task_name": f"points event: {row['op']}", "count": row["count"],
         "last_dead_at": row["last_dead_at"], "last_error": row["last_error"]}
        for row in dead.order_by().values("op").annotate(
            count=Count("id"), last_dead_at=Max("failed_at"), last_error=Subquery(newest_error))
    ]


def retry_dead_events() -> int:
    """Give dead events their attempts back (once their cause is fixed); the next drain
    applies them. Returns how many."""
    return dead_events().update(attempts=0, last_error="", failed_at=None)


def _take_drain_lock(*, wait: bool) -> bool:
    if connection.vendor != "postgresql":
        return True  # SQLite (embedded mode) runs one writer at a time anyway
    with connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [DRAIN_LOCK_KEY])
            return True
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [DRAIN_LOCK_KEY])
        return bool(cursor.fetchone()[0])


def _apply_rows(rows: list[PendingEvent]) -> list[int]:
    """Apply ``rows`` in order; returns the ids applied. All together in one savepoint when
    they go through; if something fails, one at a time, so a bad row is set aside (its
    attempt counted) and every other row is still applied."""
    try:
        with transaction.atomic():
            _apply_in_order(rows)
        return [row.pk for row in rows]
    except OperationalError:
        raise  # the database itself is failing: the task retries the whole drain
    except Exception:
        logger.warning("points inbox batch failed; applying its %s events one by one", len(rows),
                       exc_info=True)
    done = []
    for row in rows:
        try:
            with transaction.atomic():
                _apply_in_order([row])
            done.append(row.pk)
        except OperationalError:
            raise
        except Exception as exc:
            logger.exception("points event %s (%s) failed", row.pk, row.op)
            PendingEvent.objects.filter(pk=row.pk).update(
                attempts=row.attempts + 1, last_error=f"{type(exc).__name__}: {exc}"[:300],
                failed_at=timezone.now())
    return done


def _apply_in_order(rows: list[PendingEvent]) -> None:
    """Consecutive awards and withdrawals go to the engine as one batch (it keeps each act's
    award and withdrawal in order); any other event is applied alone, between batches."""
    batch: list[dict] = []
    for row in rows:
        if row.op in BATCHED:
            batch.append({**row.args, "reverse": True} if row.op == "reverse" else dict(row.args))
            continue
        if batch:
            ledger.record_events(events=batch)
            batch = []
        OPS[row.op](**row.args)
    if batch:
        ledger.record_events(events=batch)


# --- the events that are not plain awards or withdrawals ------------------------------------

def _label(content_type_id: int) -> str:
    content_type = ContentType.objects.get_for_id(content_type_id)
    return f"{content_type.app_label}.{content_type.model}"


def reverse_source(*, source_label: str, source_id: int, cause: str = PointsEntry.DELETED) -> int:
    return len(ledger.reverse_source(source_label=source_label, source_id=source_id, cause=cause))


def reverse_content(*, content_type_id: int, object_id: int, cause: str = PointsEntry.DELETED) -> int:
    return reverse_source(source_label=_label(content_type_id), source_id=object_id, cause=cause)


def restore_content(*, content_type_id: int, object_id: int) -> int:
    return len(ledger.restore_source(source_label=_label(content_type_id), source_id=object_id))


def accept_answer(*, post_id: int, answer_author_id: int, topic_author_id: int,
                  previous_post_id: int | None = None) -> bool:
    """The topic's accepted answer moved to ``post_id``: the previous answer's points go."""
    if previous_post_id:
        ledger.reverse_event(kind=kinds.ANSWER_ACCEPTED, source_id=previous_post_id,
                             cause=PointsEntry.MOVED)
    return ledger.record_event(kind=kinds.ANSWER_ACCEPTED, user_id=answer_author_id,
                               source_id=post_id, actor_id=topic_author_id) is not None


def _is_verified_owner(review_id: int) -> bool:
    # Read by name: badges never imports the reviews app.
    from django.apps import apps

    try:
        review_model = apps.get_model("reviews", "Review")
    except LookupError:
        return False
    return bool(review_model.objects.filter(pk=review_id, verified_owner=True).exists())


def record_review(*, review_id: int, author_id: int, verified_owner: bool | None = None) -> bool:
    """A published review earns its points, and a verified owner's the bonus too."""
    written = ledger.record_event(kind=kinds.REVIEW_WRITTEN, user_id=author_id, source_id=review_id)
    if verified_owner is None:
        verified_owner = _is_verified_owner(review_id)
    if verified_owner:
        ledger.record_event(kind=kinds.REVIEW_VERIFIED_OWNER, user_id=author_id, source_id=review_id)
    return written is not None


def _order_reference(order_id: int) -> str:
    # Read by name: badges never imports the shop. The store's order id is what the member
    # knows their order by.
    from django.apps import apps

    try:
        order_model = apps.get_model("shop", "Order")
    except LookupError:
        return str(order_id)
    return order_model.objects.filter(pk=order_id).values_list("external_id", flat=True).first() \
        or str(order_id)


def award_order_points(*, order_id: int, user_id: int, points: int) -> bool:
    """A paid order earns its points, once (the wallet's unique key: member, reason, order)."""
    return award_points(user_id=user_id, points=points, reason="order_paid",
                        source_label="shop.order", source_id=order_id,
                        note=f"Order {_order_reference(order_id)}") is not None


def take_back_order_points(*, order_id: int, refund_id: int, user_id: int, points: int) -> bool:
    """A refund takes back its share of the order's points, once per refund."""
    return take_back_points(user_id=user_id, points=points, reason="order_refunded",
                            source_label="shop.refund", source_id=refund_id,
                            note=f"Refund of order {_order_reference(order_id)}") is not None


# "record": the keyword arguments of ledger.record_event; "reverse": of ledger.reverse_event.
BATCHED = {"record", "reverse"}
OPS: dict[str, Callable] = {
    "reverse_source": reverse_source,
    "reverse_content": reverse_content,
    "restore_content": restore_content,
    "accept_answer": accept_answer,
    "review": record_review,
    "order_paid": award_order_points,
    "order_refunded": take_back_order_points,
}

