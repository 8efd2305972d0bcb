"""The live queue socket: only community managers may listen; it carries ids only; managers
hear when an item enters the queue and when another manager handles it."""

import pytest
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser

from config.routing import websocket_urlpatterns
from moderation.models import QueueItem
from moderation.services.flags import flag_content
from moderation.services.queue import act_on_item
from tests.factories import UserFactory
from tests.moderation.factories import member_at

pytestmark = pytest.mark.django_db(transaction=True)


async def connect(user):
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), "/ws/moderation/queue/")
    communicator.scope["user"] = user
    connected, code = await communicator.connect()
    return communicator, connected, code


@database_sync_to_async
def members():
    # A superuser: transactional tests flush the role groups the migrations created.
    return UserFactory(username="boss", is_superuser=True), member_at(1), member_at(1), UserFactory()


async def test_visitors_and_members_are_refused():
    _manager, member, *_ = await members()
    for user, expected in [(AnonymousUser(), 4401), (member, 4403)]:
        communicator, connected, code = await connect(user)
        assert not connected and code == expected


async def test_a_manager_hears_a_new_item_then_another_managers_decision_by_id_only():
    manager, first, second, target = await members()
    communicator, connected, _ = await connect(manager)
    assert connected
    await database_sync_to_async(flag_content)(flagger=first, obj=target, reason="spam")
    item = await database_sync_to_async(QueueItem.objects.get)(object_id=target.pk)
    assert await communicator.receive_json_from(timeout=5) == {
        "type": "item_changed", "item_id": item.pk, "change": "added"}
    assert await communicator.receive_json_from(timeout=5) == {
        "type": "item_changed", "item_id": item.pk, "change": "updated"}
    other = await database_sync_to_async(UserFactory)(is_superuser=True)
    await database_sync_to_async(act_on_item)(actor=other, item_id=item.pk, action="dismiss",
                                              version=item.version)
    assert await communicator.receive_json_from(timeout=5) == {
        "type": "item_changed", "item_id": item.pk, "change": "resolved"}
    await communicator.disconnect()
