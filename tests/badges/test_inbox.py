"""The points engine's inbox: events from many transactions reach the engine in batches, in
the order they happened, exactly once, and a bad event never holds up the others."""

import threading

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from badges import tasks
from badges.models import PendingEvent, PointsEntry, UserPoints
from badges.services import inbox
from tests.badges.factories import next_source
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def points(user) -> int:
    return UserPoints.objects.filter(user=user).values_list("total", flat=True).first() or 0


def like(author, liker, post, like_id):
    inbox.enqueue("record", kind="like_received", user_id=author.pk, source_id=post,
                  actor_id=liker.pk, occurrence=like_id)


def unlike(author, liker, post):
    inbox.enqueue("reverse", kind="like_received", source_id=post, user_id=author.pk,
                  variant=liker.pk)


def test_events_wait_until_drained_then_apply_in_the_order_they_came():
    author, liker = UserFactory(), UserFactory()
    post = next_source()
    inbox.enqueue("record", kind="reply_created", user_id=author.pk, source_id=post)
    like(author, liker, post, like_id=1)
    unlike(author, liker, post)
    like(author, liker, post, like_id=2)  # liked again: a new like earns again
    assert points(author) == 0 and PendingEvent.objects.count() == 4
    assert inbox.drain() == 4
    assert points(author) == 2 + 1
    assert list(PointsEntry.objects.filter(user=author).order_by("pk").values_list("reason", "points")) == [
        ("reply_created", 2), ("like_received", 1), ("like_received.reversed", -1), ("like_received", 1)]
    assert not PendingEvent.objects.exists()
    assert inbox.drain() == 0


def test_a_withdrawal_in_the_same_batch_as_its_award_cancels_it():
    author, liker = UserFactory(), UserFactory()
    post = next_source()
    like(author, liker, post, like_id=7)
    unlike(author, liker, post)
    inbox.drain()
    assert points(author) == 0
    assert PointsEntry.objects.filter(user=author).count() == 2


def test_hiding_and_restoring_go_through_the_inbox_in_order():
    from django.contrib.contenttypes.models import ContentType

    author = UserFactory()
    post = next_source()
    post_type = ContentType.objects.get_by_natural_key("forum", "post")
    inbox.enqueue("record", kind="reply_created", user_id=author.pk, source_id=post)
    inbox.enqueue("reverse_content", content_type_id=post_type.pk, object_id=post, cause=PointsEntry.HIDDEN)
    inbox.drain()
    assert points(author) == 0  # recorded, then hidden: the hiding came second
    inbox.enqueue("restore_content", content_type_id=post_type.pk, object_id=post)
    inbox.drain()
    assert points(author) == 2


def test_a_drain_costs_the_same_statements_for_twenty_events_as_for_sixty():
    members, liker = [UserFactory() for _ in range(10)], UserFactory()

    def statements_to_drain(events: int) -> int:
        for n in range(events):  # one like on each of many posts: no badge threshold crossed
            like(members[n % 10], liker, next_source(), like_id=n + 1)
        with CaptureQueriesContext(connection) as queries:
            assert inbox.drain() == events
        return len(queries)

    statements_to_drain(10)  # the first grants (First Post) are behind us
    # (Sixty, not more: SQLite splits a bulk insert past 999 parameters into two statements.)
    assert statements_to_drain(60) == statements_to_drain(20)


def test_a_failing_event_is_set_aside_after_its_attempts_and_never_holds_up_the_others(monkeypatch):
    author = UserFactory()
    ok_before, ok_after = next_source(), next_source()
    inbox.enqueue("record", kind="reply_created", user_id=author.pk, source_id=ok_before)
    broken = inbox.enqueue("accept_answer", post_id=next_source(), answer_author_id=author.pk,
                           topic_author_id=UserFactory().pk)
    inbox.enqueue("record", kind="reply_created", user_id=author.pk, source_id=ok_after)

    def crash(**_):
        raise RuntimeError("answer service is broken")

    monkeypatch.setitem(inbox.OPS, "accept_answer", crash)
    assert inbox.drain() == 2
    assert points(author) == 4
    broken.refresh_from_db()
    assert broken.attempts == 1 and "answer service is broken" in broken.last_error
    for _ in range(inbox.MAX_ATTEMPTS - 1):
        inbox.drain()
    assert list(inbox.dead_events()) == [broken]
    assert not inbox.has_pending()
    assert inbox.drain() == 0  # dead events are not tried again


def test_the_drain_task_reports_what_it_applied():
    author = UserFactory()
    inbox.enqueue("record", kind="topic_created", user_id=author.pk, source_id=next_source())
    assert tasks.drain_events.apply(throw=True).result == 1
    assert points(author) == 5


def test_unknown_events_are_refused_when_enqueued():
    with pytest.raises(ValueError, match="unknown points event"):
        inbox.enqueue("give_everyone_gold", user_id=1)


@pytest.mark.stack
@pytest.mark.django_db(transaction=True)
def test_only_one_drain_runs_at_a_time_on_postgresql(badge_defaults):
    if connection.vendor != "postgresql":
        pytest.fail("needs PostgreSQL (DATABASE_URL)")
    author = UserFactory()
    # Written directly: enqueue would drain at once here (no test transaction to wait for).
    PendingEvent.objects.create(op="record", args={"kind": "reply_created", "user_id": author.pk,
                                                   "source_id": next_source()})
    holding, release = threading.Event(), threading.Event()

    def hold_the_drain_lock():
        from django.db import transaction

        try:
            with transaction.atomic():
                with connections["default"].cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [inbox.DRAIN_LOCK_KEY])
                holding.set()
                release.wait(10)
        finally:
            connections["default"].close()

    holder = threading.Thread(target=hold_the_drain_lock)
    holder.start()
    assert holding.wait(10)
    try:
        assert inbox.drain() is None  # someone else is draining: they take the rows
        assert PendingEvent.objects.count() == 1
    finally:
        release.set()
        holder.join()
    assert inbox.drain() == 1
    assert points(author) == 2


def test_dead_events_are_counted_on_the_dashboard_and_retried_by_command(monkeypatch, client):
    from django.core.management import call_command

    from community.selectors import failed_deferred_tasks
    from tests.factories import CommunityManagerFactory

    author = UserFactory()
    broken = inbox.enqueue("accept_answer", post_id=next_source(), answer_author_id=author.pk,
                           topic_author_id=UserFactory().pk)

    def crash(**_):
        raise RuntimeError("answer service is broken")

    monkeypatch.setitem(inbox.OPS, "accept_answer", crash)
    for _ in range(inbox.MAX_ATTEMPTS):
        inbox.drain()
    rows = [row for row in failed_deferred_tasks() if row["task_name"] == "points event: accept_answer"]
    assert rows and rows[0]["count"] == 1 and "answer service is broken" in rows[0]["last_error"]
    client.force_login(CommunityManagerFactory())
    page = client.get("/moderation/dashboard/").content.decode()
    assert "points event: accept_answer" in page and "retry_points_events" in page

    monkeypatch.setitem(inbox.OPS, "accept_answer", inbox.accept_answer)  # the cause is fixed
    call_command("retry_points_events")
    assert not PendingEvent.objects.filter(pk=broken.pk).exists()
    assert points(author) == 15


def test_a_drained_batch_bumps_the_leaderboards_version_once_it_commits_and_an_empty_drain_does_not(
    django_capture_on_commit_callbacks,
):
    from community import cache_versions

    author, liker = UserFactory(), UserFactory()
    post = next_source()
    for like_id in range(3):
        like(author, liker, post, like_id=like_id)
    before = cache_versions.version_of("leaderboard", 0)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert inbox.drain() == 3
    after = cache_versions.version_of("leaderboard", 0)
    assert after == before + 1  # one bump for the batch, not one per event
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert inbox.drain() == 0
    assert cache_versions.version_of("leaderboard", 0) == after
    assert callbacks == []
