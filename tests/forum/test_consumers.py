"""The live topic socket: who may listen, and that it carries ids and counts, never content."""

import pytest
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser

from config.routing import websocket_urlpatterns
from forum import services
from tests.factories import UserFactory
from tests.forum.factories import CategoryFactory, make_reply, make_topic

pytestmark = pytest.mark.django_db(transaction=True)


async def connect(topic_id: int, user):
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), f"/ws/forum/t/{topic_id}/")
    communicator.scope["user"] = user
    connected, code = await communicator.connect()
    return communicator, connected, code


@database_sync_to_async
def setup_topic():
    author, reader = UserFactory(username="author"), UserFactory(username="reader")
    topic = make_topic(author=author, category=CategoryFactory(slug="kitchen"))
    return author, reader, topic


async def test_a_reader_is_told_of_a_new_reply_by_id_only():
    author, reader, topic = await setup_topic()
    communicator, connected, _ = await connect(topic.pk, reader)
    assert connected
    reply = await database_sync_to_async(make_reply)(topic, author=author, body="Secret sauce recipe")
    message = await communicator.receive_json_from(timeout=5)
    assert message == {"type": "post_created", "post_id": reply.pk, "post_number": 2}
    await communicator.disconnect()


async def test_like_counts_reach_readers():
    author, reader, topic = await setup_topic()
    reply = await database_sync_to_async(make_reply)(topic, author=reader)
    communicator, connected, _ = await connect(topic.pk, AnonymousUser())
    assert connected  # public topics may be followed without an account
    await database_sync_to_async(services.like_post)(user=author, post=reply)
    message = await communicator.receive_json_from(timeout=5)
    assert message == {"type": "like_count", "post_id": reply.pk, "like_count": 1}
    await communicator.disconnect()


async def test_a_hidden_topic_refuses_other_readers_but_admits_managers():
    author, reader, topic = await setup_topic()

    @database_sync_to_async
    def hide():
        # A superuser: transactional tests flush the role groups the migrations created.
        manager = UserFactory(username="boss", is_superuser=True)
        services.hide_post(actor=manager, post=topic.posts.get(), reason="Spam")
        return manager

    manager = await hide()
    communicator, connected, code = await connect(topic.pk, reader)
    assert not connected and code == 4403
    communicator, connected, code = await connect(topic.pk, AnonymousUser())
    assert not connected
    communicator, connected, _ = await connect(topic.pk, manager)
    assert connected
    await communicator.disconnect()


async def test_an_unknown_topic_is_refused():
    communicator, connected, code = await connect(999_999, AnonymousUser())
    assert not connected and code == 4403


async def test_a_held_reply_is_announced_by_id_only_and_its_fragment_refuses_other_readers(moderation_on):
    from django.test import Client

    from tests.moderation.factories import at_level

    @database_sync_to_async
    def setup_established_members():
        author = at_level(UserFactory(username="author"), 1)
        reader = at_level(UserFactory(username="reader"), 1)
        return author, reader, make_topic(author=author, category=CategoryFactory(slug="kitchen"))

    author, reader, topic = await setup_established_members()
    communicator, connected, _ = await connect(topic.pk, reader)
    assert connected
    newcomer = await database_sync_to_async(UserFactory)(username="newcomer")
    reply = await database_sync_to_async(make_reply)(topic, author=newcomer, body="Held back text")
    messages = [await communicator.receive_json_from(timeout=5) for _ in range(2)]
    assert {"type": "post_created", "post_id": reply.pk, "post_number": 2} in messages
    assert all("Held back text" not in str(message) for message in messages)

    @database_sync_to_async
    def fragment_status(user):
        client = Client()
        client.force_login(user)
        return client.get(f"/forum/p/{reply.pk}/fragment/").status_code

    assert await fragment_status(reader) == 404
    assert await fragment_status(newcomer) == 200
    await communicator.disconnect()


async def test_a_members_only_topic_admits_its_group_and_closes_when_the_member_leaves_it():
    from django.contrib.auth.models import Group

    from community.models import User

    @database_sync_to_async
    def setup():
        group = Group.objects.create(name="Early access")
        author = UserFactory(username="author")
        author.groups.add(group)
        insider, outsider = UserFactory(username="insider"), UserFactory(username="outsider")
        insider.groups.add(group)
        topic = make_topic(author=User.objects.get(pk=author.pk),
                           category=CategoryFactory(slug="lounge", members_group=group))
        return group, User.objects.get(pk=insider.pk), outsider, topic

    group, insider, outsider, topic = await setup()
    for stranger in (outsider, AnonymousUser()):
        _, connected, code = await connect(topic.pk, stranger)
        assert not connected and code == 4403
    communicator, connected, _ = await connect(topic.pk, insider)
    assert connected
    # The early-access period ends: the reward's expiry removes them from the group.
    await database_sync_to_async(insider.groups.remove)(group)
    assert (await communicator.receive_output(timeout=5))["type"] == "websocket.close"
    await communicator.disconnect()
