"""A process that dies right after a write commits, before any of its after-commit callbacks
runs (the dispatch of its outbox rows, the announcement of its signals, the drain), loses
none of the points the write earned: the points events commit with the write, and the
periodic drain applies them later. The crash is real: the transaction commits to PostgreSQL
and the exception is raised where Django would start running the callbacks."""

from contextlib import contextmanager

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db.backends.base.base import BaseDatabaseWrapper

from badges import tasks as badge_tasks
from badges.models import PendingEvent, PointsEntry
from badges.services.recompute import recompute_points
from forum import services as forum_services
from forum.models import Post
from moderation.models import QueueItem
from moderation.services import flag_content
from moderation.services.queue import act_on_item
from tests.factories import CommunityManagerFactory, UserFactory
from tests.forum.factories import CategoryFactory, make_reply, make_topic
from tests.moderation.factories import at_level

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("moderation_relaxed")]


class ProcessDied(Exception):
    pass


@contextmanager
def process_dies_right_after_commit(monkeypatch):
    """The next commit reaches the database; then the process dies before any callback."""

    def die(connection):
        connection.run_on_commit = []  # never run: the process is gone
        raise ProcessDied("the process died right after the commit")

    with monkeypatch.context() as patch:
        patch.setattr(BaseDatabaseWrapper, "run_and_clear_commit_hooks", die)
        with pytest.raises(ProcessDied):
            yield


def test_a_crash_right_after_a_reply_and_a_like_commit_loses_none_of_their_points(monkeypatch):
    asker, helper = UserFactory(username="asker"), UserFactory(username="helper")
    topic = make_topic(author=asker, category=CategoryFactory())
    with process_dies_right_after_commit(monkeypatch):
        reply = make_reply(topic, author=helper, body="Citric acid works well.")
    reply = Post.objects.get(topic=topic, author=helper)
    with process_dies_right_after_commit(monkeypatch):
        forum_services.like_post(user=asker, post=reply)

    waiting = sorted(PendingEvent.objects.values_list("args__kind", flat=True))
    assert waiting == ["like_received", "reply_created"]
    assert not PointsEntry.objects.filter(user=helper).exists()

    assert badge_tasks.drain_events.apply(throw=True).result == 2  # what beat's drain does
    assert sorted(PointsEntry.objects.filter(user=helper).values_list("reason", flat=True)) == [
        "like_received", "reply_created"]
    assert not PendingEvent.objects.exists()
    assert recompute_points() == 0


def test_a_crash_right_after_moderation_hides_a_reply_still_takes_its_points_away(monkeypatch):
    asker = at_level(UserFactory(username="asker"), 2)
    helper = at_level(UserFactory(username="helper"), 2)
    topic = make_topic(author=asker, category=CategoryFactory())
    reply = make_reply(topic, author=helper, body="Citric acid works well.")
    assert PointsEntry.objects.filter(user=helper, reason="reply_created").exists()
    flagger = UserFactory(username="flagger")
    flag_content(flagger=flagger, obj=reply, reason="spam")
    item = QueueItem.objects.get(content_type=ContentType.objects.get_for_model(Post),
                                 object_id=reply.pk, status="pending")
    manager = CommunityManagerFactory()
    with process_dies_right_after_commit(monkeypatch):
        act_on_item(actor=manager, item_id=item.pk, action="hide",
                    version=item.version, reason="Unsafe advice")

    # Moderation's relay to community.signals recorded the withdrawal in the hiding
    # transaction, and the flagger's reward for the upheld flag with it.
    assert sorted(PendingEvent.objects.values_list("op", flat=True)) == ["record", "reverse_content"]
    assert badge_tasks.drain_events.apply(throw=True).result == 2
    assert PointsEntry.objects.filter(user=helper, reason="reply_created.reversed").exists()
    assert PointsEntry.objects.filter(user=flagger, reason="flag_upheld").exists()
    assert recompute_points() == 0
