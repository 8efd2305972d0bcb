"""A task that runs twice, or fails half-way and runs again, changes nothing more than one
clean run: no duplicate points, notifications or follow-ups.

The writes go through the apps' public services; the work they owe is then re-run from the
outbox rows, as a redelivery by the broker or the outbox sweep would run it. Points go
through the engine's own inbox (badges.services.inbox), written in the same transaction as
the outbox rows, and replayed the same way."""

import pytest

from badges.models import PointsEntry
from community.models import Notification, OutboxTask
from config.celery import app
from forum import services as forum_services
from ideas import services as idea_services
from reviews.models import FollowUp
from tests.factories import BrandStaffFactory, UserFactory, make_product
from tests.forum.factories import CategoryFactory, make_reply, make_topic
from tests.ideas.factories import published_idea
from tests.reviews.factories import write_review

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("moderation_relaxed")]


@pytest.fixture(autouse=True)
def _lexicon_sentiment(settings):
    from reviews import sentiment

    settings.HEARTH_SENTIMENT_BACKEND = "lexicon"
    sentiment.reset_backend()
    yield
    sentiment.reset_backend()


def _owed_work_totals() -> dict:
    return {"notifications": Notification.objects.count(),
            "points": PointsEntry.objects.count(),
            "follow_ups": FollowUp.objects.count()}


def _run_every_owed_task_again() -> int:
    rows = list(OutboxTask.objects.order_by("pk"))
    for row in rows:
        app.tasks[row.task_name].apply(args=row.args, kwargs=row.kwargs, throw=True)
    return len(rows)


def test_running_every_task_of_a_busy_hour_twice_duplicates_nothing(commit):
    with commit():
        author, helper, fan = UserFactory(username="author"), UserFactory(username="helper"), UserFactory()
        topic = make_topic(author=author, category=CategoryFactory(slug="kitchen"))
        forum_services.watch_topic(user=fan, topic=topic, watching=True)
        reply = make_reply(topic, author=helper, body="Descale it with citric acid, @author.")
        forum_services.like_post(user=author, post=reply)
        forum_services.accept_answer(actor=author, post=reply)
        write_review(author=fan, product=make_product(), rating=1, title="Broken",
                     body="It stopped working after two days and leaks everywhere. Terrible.")
        idea = published_idea()
        idea_services.cast_support(user=helper, idea_id=idea.pk)
        idea_services.decide_idea(actor=BrandStaffFactory(), idea_id=idea.pk, to_status="archived",
                                  comment="Folded into the 2027 range.")
    once = _owed_work_totals()
    assert once["notifications"] >= 4 and once["points"] >= 3 and once["follow_ups"] == 1
    assert not OutboxTask.objects.filter(completed_at__isnull=True).exists()

    with commit():
        reran = _run_every_owed_task_again()
    assert reran >= 8
    assert _owed_work_totals() == once


def test_a_notification_task_that_fails_half_way_notifies_each_watcher_once_when_rerun(
        commit, monkeypatch, settings):
    from forum import tasks as forum_tasks

    settings.CELERY_TASK_EAGER_PROPAGATES = False
    author = UserFactory(username="asker")
    topic = make_topic(author=author, category=CategoryFactory(slug="kitchen"))
    watchers = [UserFactory(username=f"watcher{n}") for n in range(3)]
    for watcher in watchers:
        forum_services.watch_topic(user=watcher, topic=topic, watching=True)

    real_notify, calls = forum_tasks.notify, []

    def notify_then_crash(**kwargs):
        calls.append(kwargs["recipient"].pk)
        if len(calls) == 2:
            raise ConnectionError("worker lost its connection half-way")
        return real_notify(**kwargs)

    monkeypatch.setattr(forum_tasks, "notify", notify_then_crash)
    with commit():
        make_reply(topic, author=UserFactory(username="replier"))
    owed = OutboxTask.objects.get(task_name="forum.tasks.notify_watchers")
    assert owed.completed_at is None and "half-way" in owed.last_error
    assert Notification.objects.filter(kind="forum.reply").count() == 1

    monkeypatch.setattr(forum_tasks, "notify", real_notify)
    owed.dispatched_at = owed.created_at = owed.created_at.replace(year=2000)
    owed.save()
    from community.tasks import dispatch_outbox

    with commit():
        assert dispatch_outbox()["sent"] == 1
    recipients = list(Notification.objects.filter(kind="forum.reply").values_list("recipient_id", flat=True))
    assert sorted(recipients) == sorted([author.pk, *[w.pk for w in watchers]])


def test_points_events_that_fail_half_way_are_applied_once_when_drained_again(commit, monkeypatch):
    from badges import tasks as badge_tasks
    from badges.models import PendingEvent
    from badges.services import inbox

    real_record_events = inbox.ledger.record_events

    def record_then_crash(**kwargs):
        real_record_events(**kwargs)
        raise ConnectionError("the worker died half-way")

    author = UserFactory(username="poster")
    with commit():  # the topic's and the reply's own points are applied before the crash
        topic = make_topic(author=author, category=CategoryFactory(slug="kitchen"))
        reply = make_reply(topic, author=UserFactory(username="answerer"))
    monkeypatch.setattr(inbox.ledger, "record_events", record_then_crash)
    with commit():
        forum_services.like_post(user=author, post=reply)
    # The half-done batch rolled back with its transaction; the event waits, its failure noted.
    assert not PointsEntry.objects.filter(reason="like_received").exists()
    waiting = PendingEvent.objects.get()
    assert waiting.attempts == 1 and "ConnectionError" in waiting.last_error

    monkeypatch.setattr(inbox.ledger, "record_events", real_record_events)
    with commit():
        assert badge_tasks.drain_events.apply(throw=True).result == 1
    assert PointsEntry.objects.filter(reason="like_received").count() == 1
    assert not PendingEvent.objects.exists()

    # Delivered again (a replayed announcement, a second drain): still one entry.
    PendingEvent.objects.create(op=waiting.op, args=waiting.args)
    with commit():
        badge_tasks.drain_events.apply(throw=True)
        badge_tasks.drain_events.apply(throw=True)
    assert PointsEntry.objects.filter(reason="like_received").count() == 1
