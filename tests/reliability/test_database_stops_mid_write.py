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

OUTAGE_STARTS_AFTER = 0.4  # seconds into the loop
OUTAGE_LASTS = 1.0
LOOP_LASTS = 3.0
ANSWER_BOUND = 2.0  # generous: the 503s measured answer in milliseconds


def test_replies_written_while_the_database_stops_are_all_or_nothing_and_none_is_lost(
        client, database_through_proxy):
    proxy = database_through_proxy
    member = UserFactory(username="steady")
    topic = make_topic(author=UserFactory(username="asker"), category=CategoryFactory(slug="kitchen"))
    client.force_login(member)
    client.raise_request_exception = False  # a middleware meeting the outage gets the 503 page too
    before = Topic.objects.values("reply_count", "last_post_number").get(pk=topic.pk)

    outage = threading.Timer(OUTAGE_STARTS_AFTER, proxy.cut)
    recovery = threading.Timer(OUTAGE_STARTS_AFTER + OUTAGE_LASTS, proxy.restore)
    outage.start(), recovery.start()
    answers: dict[str, tuple[int, float]] = {}
    started = time.monotonic()
    while time.monotonic() - started < LOOP_LASTS:
        body = f"Reply number {len(answers)} about the descaling."
        sent = time.perf_counter()
        response = client.post(f"/forum/t/{topic.pk}/reply/", {"body": body})
        answers[body] = (response.status_code, time.perf_counter() - sent)
    outage.join(), recovery.join()

    statuses = [status for status, _took in answers.values()]
    assert set(statuses) <= {302, 503}
    assert 503 in statuses, "the outage met no request: the loop is too fast for the timers"
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

    print(f"\nPostgreSQL cut for {OUTAGE_LASTS}s during {len(answers)} replies: "
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
