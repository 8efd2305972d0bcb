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
    # Refused, so never in the broker: owed again at once, and no attempt spent.
    assert first.attempts == 0 and first.dispatched_at is None and "Error" in first.last_error
    owed = OutboxTask.objects.filter(completed_at__isnull=True).count()

    # The broker is back (here: tasks run in-process again); the sweep finds the row.
    broker_down.conf.task_always_eager = True
    settings.CELERY_TASK_ALWAYS_EAGER = True
    assert dispatch_outbox()["sent"] == 0  # within the grace period the row is left alone
    # The next sweep past the grace period sends it: not only once the redispatch lease
    # (15 minutes, the time a task taken by a worker is given) has run out.
    _age_rows(settings.HEARTH_OUTBOX_GRACE_SECONDS + 1)
    assert dispatch_outbox()["sent"] == owed
    assert RUNS == [(3, "")]
    assert OutboxTask.objects.get(task_name="tests.reliability.record_run").completed_at is not None
    _age_rows(settings.HEARTH_OUTBOX_REDISPATCH_SECONDS + 1)
    assert dispatch_outbox()["sent"] == 0  # completed work is never sent again


def test_a_long_broker_outage_spends_no_attempts_and_marks_nothing_dead(commit, broker_down, settings):
    settings.HEARTH_OUTBOX_MAX_ATTEMPTS = 2
    with commit():
        deferred.enqueue_on_commit(record_run, 4)
    for _ in range(3):  # sweeps while the broker still refuses
        _age_rows(settings.HEARTH_OUTBOX_GRACE_SECONDS + 1)
        assert dispatch_outbox() == {"sent": 0, "failed": 1, "died": 0, "dead": 0, "purged": 0}
    row = OutboxTask.objects.get(task_name="tests.reliability.record_run")
    assert row.attempts == 0 and row.dead_at is None and row.dispatched_at is None
    assert row in deferred.owed_rows()


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


def _always_failing_row(commit, settings, attempts: int = 3) -> OutboxTask:
    FAILURES_LEFT["count"] = 1000
    settings.CELERY_TASK_EAGER_PROPAGATES = False
    settings.HEARTH_OUTBOX_MAX_ATTEMPTS = attempts
    with commit():
        deferred.enqueue_on_commit(record_run, 9)
    return OutboxTask.objects.get(task_name="tests.reliability.record_run")


def test_a_task_that_always_fails_is_marked_dead_after_the_allowed_attempts_and_kept(commit, settings,
                                                                                     monkeypatch):
    # Celery's eager runs reset the root logger's handlers (and so caplog's): listen directly.
    errors = []
    monkeypatch.setattr(deferred.logger, "error", lambda message, *args: errors.append(message % args))
    row = _always_failing_row(commit, settings)
    reports = []
    for _ in range(5):
        _age_rows(settings.HEARTH_OUTBOX_REDISPATCH_SECONDS + 1)
        reports.append(dispatch_outbox())
    row.refresh_from_db()
    assert row.attempts == 3 and row.dead_at is not None and row.completed_at is None
    assert "failed half-way" in row.last_error
    # Two more attempts by the sweep; the last one gets its lease to complete; then the row
    # dies, once, and later sweeps leave it alone. (failed, died, dead) per sweep:
    assert [(r["failed"], r["died"], r["dead"]) for r in reports] == [
        (1, 0, 0), (1, 0, 0), (0, 1, 1), (0, 0, 1), (0, 0, 1)]
    assert len(errors) == 1  # logged once, when it died, not on every sweep
    assert "marked dead" in errors[0] and "tests.reliability.record_run" in errors[0]
    # Never deleted: the purge only forgets completed rows.
    _age_rows(settings.HEARTH_OUTBOX_KEEP_DAYS * 86400 + 60)
    assert dispatch_outbox()["purged"] == 0 and OutboxTask.objects.filter(pk=row.pk).exists()


def test_a_row_whose_last_attempt_is_still_running_is_not_dead_yet(commit, settings):
    row = _always_failing_row(commit, settings, attempts=1)
    assert row.attempts == 1 and row.dispatched_at is not None
    assert deferred.mark_dead() == 0  # its lease has not run out: it may still complete
    _age_rows(settings.HEARTH_OUTBOX_REDISPATCH_SECONDS + 1)
    assert deferred.mark_dead() == 1
    assert deferred.mark_dead() == 0  # marked once


def test_a_dead_row_whose_task_completes_late_is_dead_no_more(commit, settings):
    row = _always_failing_row(commit, settings, attempts=1)
    _age_rows(settings.HEARTH_OUTBOX_REDISPATCH_SECONDS + 1)
    deferred.mark_dead()
    deferred.mark_completed(row.pk)
    row.refresh_from_db()
    assert row.completed_at is not None and row.dead_at is None
    assert not deferred.dead_rows().exists()


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


def _dead_row(commit, settings) -> OutboxTask:
    row = _always_failing_row(commit, settings, attempts=1)
    _age_rows(settings.HEARTH_OUTBOX_REDISPATCH_SECONDS + 1)
    dispatch_outbox()
    row.refresh_from_db()
    assert row.dead_at is not None
    return row


def test_community_managers_see_how_many_deferred_tasks_failed_on_the_dashboard(commit, settings, client):
    from tests.factories import CommunityManagerFactory

    client.force_login(CommunityManagerFactory())
    assert "deferred task" not in client.get("/moderation/dashboard/").content.decode()
    _dead_row(commit, settings)
    deferred.enqueue_on_commit(record_run, 10)  # owed, not dead: not counted
    html = client.get("/moderation/dashboard/").content.decode()
    assert "1 deferred task failed" in html
    assert "tests.reliability.record_run" in html and "RuntimeError: failed half-way" in html
    assert "manage.py retry_outbox" in html


def test_retry_outbox_lists_and_requeues_dead_rows_which_then_run(commit, settings):
    from io import StringIO

    from django.core.management import call_command

    row = _dead_row(commit, settings)
    out = StringIO()
    call_command("retry_outbox", "--list", stdout=out)
    listing = out.getvalue()
    assert f"{row.pk}\ttests.reliability.record_run(9,)" in listing and "1 dead row(s)" in listing

    FAILURES_LEFT["count"] = 0  # the cause is fixed
    out = StringIO()
    call_command("retry_outbox", stdout=out)
    assert "1 row(s) re-queued" in out.getvalue() and "sent 1" in out.getvalue()
    row.refresh_from_db()
    assert RUNS == [(9, "")] and row.completed_at is not None and row.dead_at is None and row.attempts == 1


def test_retry_outbox_can_pick_rows_and_leave_the_sending_to_the_sweep(commit, settings):
    from django.core.management import CommandError, call_command

    row = _dead_row(commit, settings)
    with pytest.raises(CommandError, match="not dead outbox rows: 999999"):
        call_command("retry_outbox", "--id", "999999")
    call_command("retry_outbox", "--task", "tests.other_task", "--no-send")
    assert deferred.dead_rows().filter(pk=row.pk).exists()  # another task's rows only
    call_command("retry_outbox", "--id", str(row.pk), "--no-send")
    row.refresh_from_db()
    assert row.dead_at is None and row.attempts == 0 and row.completed_at is None and RUNS == []
    assert deferred.owed_rows().filter(pk=row.pk).exists()  # the next sweep sends it
