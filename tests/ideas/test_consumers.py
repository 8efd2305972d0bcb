"""Live support counts over websockets."""

import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.db import connections

from config.routing import websocket_urlpatterns
from ideas import services
from tests.factories import UserFactory
from tests.ideas.factories import published_idea, submitted_idea

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("migrated_rows"),
              pytest.mark.asyncio]


@pytest.fixture(autouse=True)
async def _close_thread_connections():
    """The ORM calls of these tests run in asgiref's worker thread; close its connection so
    the test database can be dropped at the end of the run."""
    yield
    await sync_to_async(connections.close_all)()


def _router():
    return URLRouter(websocket_urlpatterns)


async def _connect(path: str):
    communicator = WebsocketCommunicator(_router(), path)
    connected, code = await communicator.connect()
    return communicator, connected, code


async def test_viewers_of_an_idea_and_of_the_list_receive_the_new_count_after_a_support():
    idea = await sync_to_async(published_idea)()
    fan = await sync_to_async(UserFactory)()
    page, page_ok, _ = await _connect(f"/ws/ideas/{idea.pk}/")
    listing, list_ok, _ = await _connect("/ws/ideas/")
    assert page_ok and list_ok

    await sync_to_async(services.cast_support)(user=fan, idea_id=idea.pk)

    for communicator in (page, listing):
        message = await communicator.receive_json_from(timeout=5)
        assert message == {
            "type": "update", "idea": idea.pk, "support_count": 1, "goal": 100, "percent": 1,
            "status": "gathering_support", "status_label": "Gathering support", "days_left": 59,
        } | {"days_left": message["days_left"]}
        await communicator.disconnect()


async def test_an_idea_in_review_cannot_be_followed_live():
    idea = await sync_to_async(submitted_idea)()
    communicator, connected, code = await _connect(f"/ws/ideas/{idea.pk}/")
    assert not connected and code == 4403


async def test_a_hidden_idea_cannot_be_followed_live():
    from ideas.services.moderation import hide_idea

    idea = await sync_to_async(published_idea)()
    await sync_to_async(hide_idea)(idea, reason="Flagged as spam", actor=None)
    communicator, connected, code = await _connect(f"/ws/ideas/{idea.pk}/")
    assert not connected and code == 4403
