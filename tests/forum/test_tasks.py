import pytest

from community.models import Notification
from forum import services, tasks
from tests.factories import UserFactory
from tests.forum.factories import make_reply, make_topic

pytestmark = pytest.mark.django_db


def test_watchers_are_notified_in_batches_and_only_once(alice, category, settings, monkeypatch, commit):
    monkeypatch.setattr(tasks, "WATCHER_BATCH", 3)
    topic = make_topic(author=alice, category=category)
    watchers = [UserFactory() for _ in range(7)]
    for watcher in watchers:
        services.watch_topic(user=watcher, topic=topic, watching=True)
    with commit():
        reply = make_reply(topic, author=watchers[0])
    notified = Notification.objects.filter(kind="forum.reply")
    assert notified.count() == 7  # alice and six watchers; not the reply's author
    assert tasks.notify_watchers(reply.pk) == 0  # a second run notifies nobody again
    assert notified.count() == 7


def test_no_notification_for_a_post_deleted_before_the_task_ran(alice, bob, category):
    topic = make_topic(author=alice, category=category)
    reply = make_reply(topic, author=bob, body="Hi @alice")
    services.delete_post(actor=bob, post=reply)
    assert tasks.notify_watchers(reply.pk) == 0
    assert tasks.notify_mentions(reply.pk) == 0
    assert not Notification.objects.exists()


def test_a_withdrawn_like_is_not_notified(alice, bob, category):
    topic = make_topic(author=alice, category=category)
    reply = make_reply(topic, author=bob)
    services.like_post(user=alice, post=reply)
    services.unlike_post(user=alice, post=reply)
    assert tasks.notify_like(reply.pk, alice.pk) is False
