"""A task that runs twice, or fails half-way and runs again, changes nothing more than one
clean run: no duplicate points, notifications or follow-ups.

The writes go through the apps' public services; the work they owe is then re-run from the
outbox rows, as a redelivery by the broker or the outbox sweep would run it."""

import pytest

from badges.models import PointsEntry
from community.celery import app
from community.models import Notification, OutboxTask
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


def test_points_recorded_before_a_crash_are_not_recorded_again_on_the_rerun(commit, monkeypatch, settings):
    from badges import tasks as badge_tasks

    settings.CELERY_TASK_EAGER_PROPAGATES = False
    real_record = badge_tasks.ledger.record_event

    def record_then_crash(**kwargs):
        real_record(**kwargs)
        raise ConnectionError("the worker died before acknowledging")

    author = UserFactory(username="poster")
    topic = make_topic(author=author, category=CategoryFactory(slug="kitchen"))
    reply = make_reply(topic, author=UserFactory(username="answerer"))
    monkeypatch.setattr(badge_tasks.ledger, "record_event", record_then_crash)
    with commit():
        forum_services.like_post(user=author, post=reply)
    after_crash = PointsEntry.objects.count()
    assert after_crash >= 1
    owed = OutboxTask.objects.filter(task_name="badges.tasks.record_event", completed_at__isnull=True)
    assert owed.exists()

    monkeypatch.setattr(badge_tasks.ledger, "record_event", real_record)
    OutboxTask.objects.update(dispatched_at=None)
    from datetime import timedelta

    from django.db.models import F

    OutboxTask.objects.update(created_at=F("created_at") - timedelta(hours=1))
    from community.tasks import dispatch_outbox

    with commit():
        assert dispatch_outbox()["sent"] >= 1
    assert PointsEntry.objects.count() == after_crash
    assert not OutboxTask.objects.filter(completed_at__isnull=True).exists()
