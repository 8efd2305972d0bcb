"""Hiding content through moderation takes its points away and restoring gives them back:
moderation relays its signals on community.signals, which the points engine listens to."""

import pytest
from django.contrib.contenttypes.models import ContentType

from badges.models import PointsEntry, UserPoints
from forum.models import Post
from moderation.models import QueueItem
from moderation.services import flag_content
from moderation.services.queue import act_on_item
from tests.factories import CommunityManagerFactory, UserFactory
from tests.forum.factories import CategoryFactory, make_reply, make_topic
from tests.ideas.factories import submitted_idea
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


def _item_for(obj) -> QueueItem:
    return QueueItem.objects.get(content_type=ContentType.objects.get_for_model(obj),
                                 object_id=obj.pk, status="pending")


def test_a_new_members_held_topic_and_reply_earn_nothing_until_approved_then_once(
    django_capture_on_commit_callbacks,
):
    newcomer = UserFactory(username="newcomer")  # trust level 0: forum posts are held
    regular = at_level(UserFactory(username="regular"), 2)
    manager = CommunityManagerFactory()
    with django_capture_on_commit_callbacks(execute=True):
        topic = make_topic(author=newcomer, category=CategoryFactory(), title="Is the lid dishwasher safe?")
        open_topic = make_topic(author=regular, category=CategoryFactory(), title="Show your setups")
        reply = make_reply(open_topic, author=newcomer, body="Mine sits on a shelf by the window.")
    opening = topic.posts.get(post_number=1)
    assert opening.is_hidden and Post.objects.get(pk=reply.pk).is_hidden
    assert points(newcomer) == 0

    with django_capture_on_commit_callbacks(execute=True):
        item = _item_for(opening)
        act_on_item(actor=manager, item_id=item.pk, action="restore", version=item.version)
    assert points(newcomer) == 5  # the topic, approved
    with django_capture_on_commit_callbacks(execute=True):
        item = _item_for(Post.objects.get(pk=reply.pk))
        act_on_item(actor=manager, item_id=item.pk, action="restore", version=item.version)
    assert points(newcomer) == 7  # and the reply

    # Hidden by flags and restored later: the points go and come back, never twice.
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            flag_content(flagger=member_at(1), obj=Post.objects.get(pk=reply.pk), reason="spam")
    assert points(newcomer) == 5
    with django_capture_on_commit_callbacks(execute=True):
        item = _item_for(Post.objects.get(pk=reply.pk))
        act_on_item(actor=manager, item_id=item.pk, action="restore", version=item.version)
    assert points(newcomer) == 7


def test_a_held_reply_that_is_rejected_never_earns(django_capture_on_commit_callbacks):
    newcomer = UserFactory(username="newcomer")
    regular = at_level(UserFactory(username="regular"), 2)
    with django_capture_on_commit_callbacks(execute=True):
        topic = make_topic(author=regular, category=CategoryFactory(), title="Favourite colours")
        reply = make_reply(topic, author=newcomer, body="Buy cheap watches at my site")
    with django_capture_on_commit_callbacks(execute=True):
        item = _item_for(Post.objects.get(pk=reply.pk))
        act_on_item(actor=CommunityManagerFactory(), item_id=item.pk, action="hide",
                    version=item.version, reason="Advertising")
    assert points(newcomer) == 0
    assert not PointsEntry.objects.filter(user=newcomer).exists()


def test_a_held_idea_earns_its_submission_points_on_approval(settings, django_capture_on_commit_callbacks):
    settings.HEARTH_PREMODERATE = {**settings.HEARTH_PREMODERATE, "ideas.idea": "new_members"}
    newcomer = UserFactory(username="inventor")
    with django_capture_on_commit_callbacks(execute=True):
        idea = submitted_idea(creator=newcomer)
    idea.refresh_from_db()
    assert idea.hidden_at is not None
    assert points(newcomer) == 0
    with django_capture_on_commit_callbacks(execute=True):
        item = _item_for(idea)
        act_on_item(actor=CommunityManagerFactory(), item_id=item.pk, action="restore", version=item.version)
    assert points(newcomer) == 5
    assert PointsEntry.objects.filter(user=newcomer, reason="idea_submitted").count() == 1


def test_a_like_withdrawn_while_the_post_was_hidden_does_not_come_back_with_it(
    django_capture_on_commit_callbacks,
):
    from forum import services as forum_services

    asker = at_level(UserFactory(username="asker"), 2)
    helper = at_level(UserFactory(username="helper"), 2)
    manager = CommunityManagerFactory()
    fan = at_level(UserFactory(username="fan"), 2)
    with django_capture_on_commit_callbacks(execute=True):
        topic = make_topic(author=asker, category=CategoryFactory(), title="Descaling a kettle")
        reply = make_reply(topic, author=helper, body="Citric acid works well.")
        forum_services.like_post(user=fan, post=reply)
        forum_services.like_post(user=manager, post=reply)
    assert points(helper) == 2 + 1 + 1
    with django_capture_on_commit_callbacks(execute=True):
        forum_services.hide_post(actor=manager, post=reply, reason="Checking the advice")
    with django_capture_on_commit_callbacks(execute=True):
        # hide_post is the forum's own route: moderation's relay is what badges hears.
        from community import signals as community_signals
        from community.events import send_on_commit

        send_on_commit(
            community_signals.content_hidden, sender=Post,
            content_type_id=ContentType.objects.get_for_model(Post).pk, object_id=reply.pk,
            author_id=helper.pk)
    assert points(helper) == 0
    with django_capture_on_commit_callbacks(execute=True):
        forum_services.unlike_post(user=manager, post=Post.objects.get(pk=reply.pk))  # sees it hidden
    with django_capture_on_commit_callbacks(execute=True):
        send_on_commit(
            community_signals.content_restored, sender=Post,
            content_type_id=ContentType.objects.get_for_model(Post).pk, object_id=reply.pk,
            author_id=helper.pk)
    assert points(helper) == 2 + 1  # the reply and the fan's like; not the withdrawn like
