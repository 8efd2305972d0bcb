"""The task outbox (community.deferred): the work a write owes survives a broker outage."""

import pytest
from celery import shared_task
from django.db import transaction

from community import deferred
from community.models import OutboxTask
from community.tasks import dispatch_outbox
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

RUNS: list[tuple] = []
FAILURES_LEFT = {"count": 0}


@shared_task(name="tests.reliability.record_run")
def record_run(value: int, *, tag: str = "") -> int:
    if FAILURES_LEFT["count"]:
        FAILURES_LEFT["count"] -= 1
        raise RuntimeError("failed half-way")
    RUNS.append((value, tag))
    return value


@pytest.fixture(autouse=True)
def _fresh_runs():
    RUNS.clear()
    FAILURES_LEFT["count"] = 0


def _age_rows(seconds: int) -> None:
    """Move every row back in time, as if the sweep came round later."""
    from datetime import timedelta

    from django.db.models import F

    OutboxTask.objects.update(created_at=F("created_at") - timedelta(seconds=seconds))
    OutboxTask.objects.filter(dispatched_at__isnull=False).update(
        dispatched_at=F("dispatched_at") - timedelta(seconds=seconds))


def test_the_owed_task_is_written_in_the_same_transaction_and_runs_after_commit(commit):
    with commit(), transaction.atomic():
        UserFactory(username="writer")
        deferred.enqueue_on_commit(record_run, 7, tag="after-commit")
        assert OutboxTask.objects.filter(task_name="tests.reliability.record_run", args=[7]).exists()
        assert RUNS == []  # nothing runs before the write commits
    assert RUNS == [(7, "after-commit")]
    row = OutboxTask.objects.get(task_name="tests.reliability.record_run")
    assert row.completed_at is not None and row.attempts == 1 and row.last_error == ""


def test_a_rolled_back_write_owes_nothing(commit):
    with commit(), pytest.raises(RuntimeError), transaction.atomic():
        deferred.enqueue_on_commit(record_run, 1)
        raise RuntimeError("the write failed")
    assert RUNS == []
    assert not OutboxTask.objects.exists()


def test_with_the_broker_down_the_write_succeeds_and_the_sweep_sends_the_task_later(
        commit, broker_down, settings):
    with commit(), transaction.atomic():
        member = UserFactory(username="kept")
        deferred.enqueue_on_commit(record_run, 3)
    assert member.pk and RUNS == []
    row = OutboxTask.objects.get(task_name="tests.reliability.record_run")
    assert row.completed_at is None
    # The first task the write owed met the broker down (and paused dispatching, so the rest
    # of the write's tasks were left to the sweep without another failed connection).
    first = OutboxTask.objects.order_by("pk").first()
    assert first.attempts == 1 and "Error" in first.last_error
    owed = OutboxTask.objects.filter(completed_at__isnull=True).count()

    # The broker is back (here: tasks run in-process again); the sweep finds the row.
    broker_down.conf.task_always_eager = True
    settings.CELERY_TASK_ALWAYS_EAGER = True
    assert dispatch_outbox()["sent"] == 0  # within the grace period the row is left alone
    _age_rows(settings.HEARTH_OUTBOX_REDISPATCH_SECONDS + 1)
    assert dispatch_outbox()["sent"] == owed
    assert RUNS == [(3, "")]
    assert OutboxTask.objects.get(task_name="tests.reliability.record_run").completed_at is not None
    _age_rows(settings.HEARTH_OUTBOX_REDISPATCH_SECONDS + 1)
    assert dispatch_outbox()["sent"] == 0  # completed work is never sent again


def test_after_a_refusal_requests_leave_the_broker_alone_for_a_while(commit, broker_down, monkeypatch):
    with commit():
        deferred.enqueue_on_commit(record_run, 1)
    calls = []
    monkeypatch.setattr(record_run, "apply_async", lambda *a, **k: calls.append(a))
    with commit():
        deferred.enqueue_on_commit(record_run, 2)
    assert calls == []  # paused: the row waits for the sweep instead of another timeout
    assert OutboxTask.objects.filter(completed_at__isnull=True).count() == 2


def test_a_task_that_fails_half_way_is_run_again_by_the_sweep_until_it_completes(commit, settings):
    FAILURES_LEFT["count"] = 1
    settings.CELERY_TASK_EAGER_PROPAGATES = False
    with commit():
        deferred.enqueue_on_commit(record_run, 5)
    row = OutboxTask.objects.get(task_name="tests.reliability.record_run")
    assert RUNS == [] and row.completed_at is None and "failed half-way" in row.last_error
    _age_rows(settings.HEARTH_OUTBOX_REDISPATCH_SECONDS + 1)
    assert dispatch_outbox()["sent"] == 1
    assert RUNS == [(5, "")]
    assert OutboxTask.objects.get(task_name="tests.reliability.record_run").attempts == 2


def test_a_task_that_always_fails_is_given_up_after_the_allowed_attempts(commit, settings):
    FAILURES_LEFT["count"] = 1000
    settings.CELERY_TASK_EAGER_PROPAGATES = False
    settings.HEARTH_OUTBOX_MAX_ATTEMPTS = 3
    with commit():
        deferred.enqueue_on_commit(record_run, 9)
    for _ in range(4):
        _age_rows(settings.HEARTH_OUTBOX_REDISPATCH_SECONDS + 1)
        report = dispatch_outbox()
    assert OutboxTask.objects.get(task_name="tests.reliability.record_run").attempts == 3
    assert report == {"sent": 0, "failed": 0, "abandoned": 1, "purged": 0}


def test_a_worker_marks_the_row_completed_when_the_task_succeeds(commit, broker_down, monkeypatch):
    from celery.signals import task_success

    sent = {}
    monkeypatch.setattr(record_run, "apply_async", lambda *a, **kw: sent.update(kw))
    with commit():
        deferred.enqueue_on_commit(record_run, 4)
    row_id = sent["headers"][deferred.OUTBOX_HEADER]
    assert OutboxTask.objects.get(pk=row_id).completed_at is None  # queued, not yet run

    # What a worker's run looks like to the signal: a non-eager request carrying the header.
    record_run.push_request(is_eager=False, hearth_outbox_id=row_id, headers=None)
    try:
        task_success.send(sender=record_run, result=4)
    finally:
        record_run.pop_request()
    assert OutboxTask.objects.get(pk=row_id).completed_at is not None


def test_completed_rows_are_purged_after_their_keeping_time(commit, settings):
    with commit():
        deferred.enqueue_on_commit(record_run, 1)
    _age_rows(settings.HEARTH_OUTBOX_KEEP_DAYS * 86400 + 60)
    from datetime import timedelta

    from django.db.models import F

    keep = timedelta(days=settings.HEARTH_OUTBOX_KEEP_DAYS + 1)
    OutboxTask.objects.update(completed_at=F("completed_at") - keep)
    assert dispatch_outbox()["purged"] == 1
    assert not OutboxTask.objects.exists()
