"""Hiding content through moderation takes its points away and restoring gives them back:
moderation relays its signals on community.signals, which the points engine listens to."""

import pytest
from django.contrib.contenttypes.models import ContentType

from badges.models import UserPoints
from forum.models import Post
from moderation.models import QueueItem
from moderation.services import flag_content
from moderation.services.queue import act_on_item
from tests.factories import CommunityManagerFactory, UserFactory
from tests.forum.factories import CategoryFactory, make_reply, make_topic
from tests.moderation.factories import at_level, member_at

pytestmark = pytest.mark.django_db


def points(user) -> int:
    return UserPoints.objects.filter(user=user).values_list("total", flat=True).first() or 0


def test_a_reply_hidden_by_flags_loses_its_points_and_earns_them_again_when_restored(
    django_capture_on_commit_callbacks,
):
    asker = at_level(UserFactory(username="asker"), 2)
    helper = at_level(UserFactory(username="helper"), 2)
    manager = CommunityManagerFactory()
    with django_capture_on_commit_callbacks(execute=True):
        topic = make_topic(author=asker, category=CategoryFactory(), title="Descaling a kettle")
        reply = make_reply(topic, author=helper, body="Citric acid works well.")
    earned = points(helper)
    assert earned > 0

    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            flag_content(flagger=member_at(1), obj=reply, reason="spam")
    reply.refresh_from_db()
    assert reply.is_hidden
    assert points(helper) == 0

    item = QueueItem.objects.get(content_type=ContentType.objects.get_for_model(Post), object_id=reply.pk,
                                 status="pending")
    with django_capture_on_commit_callbacks(execute=True):
        act_on_item(actor=manager, item_id=item.pk, action="restore", version=item.version)
    reply.refresh_from_db()
    assert not reply.is_hidden
    assert points(helper) == earned
