"""community.events.send_on_commit, the one way a domain event is sent: recorders write what
the event owes inside the write's transaction; receivers hear of it after commit, each once,
and a failing receiver is logged once without stopping the others."""

import logging

import pytest
from django.db import transaction
from django.dispatch import Signal

from community import events
from community.models import OutboxTask

pytestmark = pytest.mark.django_db


@pytest.fixture
def signal():
    signal = Signal()
    yield signal
    events._recorders.pop(signal, None)


def test_a_failing_receiver_is_logged_once_and_the_receivers_after_it_still_run(
        signal, caplog, django_capture_on_commit_callbacks):
    heard = []

    def first(sender, **payload):
        heard.append(("first", payload["post_id"]))

    def broken(sender, **payload):
        raise RuntimeError("receiver bug")

    def last(sender, **payload):
        heard.append(("last", payload["post_id"]))

    for receiver in (first, broken, last):
        signal.connect(receiver, weak=False)
    with (caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True),
          transaction.atomic()):
        events.send_on_commit(signal, sender=None, post_id=7)
        assert heard == []  # nothing is announced before the commit
    assert heard == [("first", 7), ("last", 7)]
    failures = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert len(failures) == 1
    assert failures[0].exc_info and isinstance(failures[0].exc_info[1], RuntimeError)


def test_nothing_is_announced_or_owed_when_the_write_rolls_back(
        signal, django_capture_on_commit_callbacks):
    from community.tasks import dispatch_outbox

    heard = []
    signal.connect(lambda sender, **payload: heard.append(payload), weak=False)
    events.record_with(signal, lambda sender, **payload: OutboxTask.objects.create(
        task_name=dispatch_outbox.name, args=[], kwargs={}), uid="test.owe")
    with (django_capture_on_commit_callbacks(execute=True), pytest.raises(ValueError),
          transaction.atomic()):
        events.send_on_commit(signal, post_id=7)
        assert OutboxTask.objects.count() == 1  # recorded inside the write's transaction
        raise ValueError("the write failed")
    assert heard == [] and OutboxTask.objects.count() == 0


def test_a_recorder_runs_in_the_transaction_and_a_failing_one_fails_the_write(signal):
    def broken(sender, **payload):
        raise RuntimeError("recorder bug")

    events.record_with(signal, broken, uid="test.broken")
    with pytest.raises(RuntimeError), transaction.atomic():
        OutboxTask.objects.create(task_name="community.tasks.dispatch_outbox", args=[], kwargs={})
        events.send_on_commit(signal, post_id=7)
    assert not OutboxTask.objects.exists()


def test_every_app_sends_its_domain_signals_through_the_one_helper():
    """No app keeps a signal-sending helper of its own: ``.send(`` and ``.send_robust(`` of a
    domain signal appear only in community/events.py."""
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[2]
    offenders = []
    for app in ("community", "forum", "ideas", "reviews", "moderation", "badges"):
        for path in (root / app).rglob("*.py"):
            if "migrations" in path.parts or path.name == "events.py":
                continue
            text = path.read_text()
            if re.search(r"\.send_robust\(|\b\w+_\w+\.send\(sender", text) or "def send_on_commit" in text:
                offenders.append(str(path.relative_to(root)))
    assert offenders == []
