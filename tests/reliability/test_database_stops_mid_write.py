"""PostgreSQL goes away in the middle of a stream of replies (the connection is cut while
requests are in flight, new ones are refused) and comes back: each request answers quickly,
with the reply saved (302) or the 503 page; every reply is all or nothing (the post, its
topic's counters and the work it owes in the outbox); nothing answered as saved is lost or
doubled; and replies are saved again once the database is back, without a restart.

Run with ``-s`` to print what the fault did (bench/README.md records it)."""

import threading
import time

import pytest
from django.db import OperationalError, transaction

from community import deferred
from community.models import OutboxTask
from forum.models import Post, Topic
from forum.tasks import notify_watchers
from tests.factories import UserFactory
from tests.forum.factories import CategoryFactory, make_topic

pytestmark = [pytest.mark.stack, pytest.mark.usefixtures("moderation_relaxed")]

SAVED_BEFORE_THE_CUT = 5
OUTAGE_LASTS = 1.0  # seconds, and at least REFUSED_DURING_THE_CUT answers
REFUSED_DURING_THE_CUT = 5
SAVED_AFTER = 5
LOOP_DEADLINE = 25.0
ANSWER_BOUND = 2.0  # generous: the 503s measured answer in milliseconds


def test_replies_written_while_the_database_stops_are_all_or_nothing_and_none_is_lost(
        client, database_through_proxy):
    proxy = database_through_proxy
    member = UserFactory(username="steady")
    topic = make_topic(author=UserFactory(username="asker"), category=CategoryFactory(slug="kitchen"))
    client.force_login(member)
    client.raise_request_exception = False  # a middleware meeting the outage gets the 503 page too
    before = Topic.objects.values("reply_count", "last_post_number").get(pk=topic.pk)

    answers: dict[str, tuple[int, float]] = {}  # body: (status, seconds to answer)
    answered_at: list[tuple[int, float]] = []  # (status, when)
    outage: threading.Timer | None = None
    cut_at = restored_at = None

    def answers_since(status: int, since: float) -> int:
        return sum(1 for answer, at in answered_at if answer == status and at >= since)

    deadline = time.monotonic() + LOOP_DEADLINE
    while restored_at is None or answers_since(302, restored_at) < SAVED_AFTER:
        assert time.monotonic() < deadline, f"no recovery within {LOOP_DEADLINE}s: {answers}"
        if outage is None and len(answers) == SAVED_BEFORE_THE_CUT:
            # Cut a moment later, from another thread: while the next request is in flight.
            outage = threading.Timer(0.01, proxy.cut)
            outage.start()
        if outage is not None and proxy.refusing.is_set() and cut_at is None:
            cut_at = time.monotonic()
        if (cut_at is not None and restored_at is None and time.monotonic() - cut_at >= OUTAGE_LASTS
                and answers_since(503, cut_at) >= REFUSED_DURING_THE_CUT):
            proxy.restore()
            restored_at = time.monotonic()
        body = f"Reply number {len(answers)} about the descaling."
        sent = time.perf_counter()
        response = client.post(f"/forum/t/{topic.pk}/reply/", {"body": body})
        answers[body] = (response.status_code, time.perf_counter() - sent)
        answered_at.append((response.status_code, time.monotonic()))

    statuses = [status for status, _took in answers.values()]
    assert set(statuses) <= {302, 503}
    assert statuses[-1] == 302, "replies are saved again once the database is back"
    slowest = max(took for _status, took in answers.values())
    assert slowest < ANSWER_BOUND

    saved = dict(Post.objects.filter(topic=topic, author=member).values_list("body", "pk"))
    lost = [body for body, (status, _took) in answers.items() if status == 302 and body not in saved]
    doubled = Post.objects.filter(topic=topic, author=member).count() - len(saved)
    assert lost == [] and doubled == 0
    # All or nothing: each saved reply counted once on its topic and owing its notifications.
    after = Topic.objects.values("reply_count", "last_post_number").get(pk=topic.pk)
    assert after["reply_count"] - before["reply_count"] == len(saved)
    owed = OutboxTask.objects.filter(task_name="forum.tasks.notify_watchers")
    assert sorted(args[0] for args in owed.values_list("args", flat=True)) == sorted(saved.values())
    kept_despite_503 = [body for body, (status, _took) in answers.items() if status == 503 and body in saved]

    print(f"\nPostgreSQL cut for {restored_at - cut_at:.1f}s during {len(answers)} replies: "
          f"{statuses.count(302)} saved (302), {statuses.count(503)} answered 503 "
          f"({len(kept_despite_503)} of them committed before the cut), slowest answer {slowest:.3f}s; "
          f"lost {len(lost)}, doubled {doubled}, half-written 0")


@pytest.mark.django_db(transaction=True)
def test_an_after_commit_dispatch_that_fails_is_logged_and_the_committed_write_stands(monkeypatch, caplog):
    # What the database going away between a write's commit and its dispatch does (the
    # dispatch's own UPDATE fails): the failure is logged, never raised into the request.
    def database_gone(*args):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(deferred, "dispatch", database_gone)
    with transaction.atomic():
        deferred.enqueue_on_commit(notify_watchers, 1)
    assert OutboxTask.objects.filter(task_name="forum.tasks.notify_watchers", completed_at=None).exists()
    assert "dispatch_after_commit" in caplog.text and "OperationalError" in caplog.text
