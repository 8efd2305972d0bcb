"""Every websocket route for every role, and what happens to whatever a client sends.

Routes come from ``config.routing`` so a new one cannot escape: add it to WS_EXPECTED.
Cells are six answers in the order of tests/security/world.ROLES: "ok" (accepted) or
"refused" (closed before accepting).
"""

import json

import pytest
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser

from community.consumers import TOO_MANY_MESSAGES, UNACCEPTABLE_MESSAGE, PushOnlyConsumer
from config.routing import UNKNOWN_ROUTE, websocket_urlpatterns
from forum import services as forum_services
from tests.factories import UserFactory
from tests.ideas.factories import submitted_idea
from tests.security.world import ROLES, make_roles, make_world

pytestmark = pytest.mark.django_db(transaction=True)

PUBLIC = "ok ok ok ok ok ok"
# route -> {name of the objects filled in: expected answers}
WS_EXPECTED = {
    "ws/notifications/": {"": "refused ok ok ok ok ok"},
    "ws/forum/t/<id:topic_id>/": {"topic": PUBLIC, "hidden_topic": "refused refused refused refused ok ok"},
    "ws/ideas/": {"": PUBLIC},
    "ws/ideas/<id:idea_id>/": {"idea": PUBLIC, "idea_in_review": "refused " * 6},
    "ws/moderation/queue/": {"": "refused refused refused refused ok ok"},
    "ws/reviews/products/<id:product_id>/": {"product": PUBLIC},
    "ws/reviews/follow-ups/": {"": "refused refused refused ok ok ok"},
    UNKNOWN_ROUTE: {"unknown": "refused " * 6},
}


@database_sync_to_async
def ws_world():
    world = make_world()
    roles = make_roles()
    hidden = forum_services.start_topic(author=world["owner"], category=world["topic"].category,
                                        title="A topic that gets hidden", body="Hidden body")
    forum_services.hide_post(actor=roles["manager"], post=hidden.posts.get(), reason="Spam")
    in_review = submitted_idea(creator=world["owner"], title="An idea still in review")
    samples = {
        "": {}, "topic": {"topic_id": world["topic_id"]}, "hidden_topic": {"topic_id": hidden.pk},
        "idea": {"idea_id": world["idea_id"]}, "idea_in_review": {"idea_id": in_review.pk},
        "product": {"product_id": world["product_id"]},
        "unknown": {"path": "/ws/nope/"},
    }
    return roles, samples


def _path(route: str, kwargs: dict) -> str:
    if "path" in kwargs:  # the catch-all: a path no other route takes
        return kwargs["path"]
    for name, value in kwargs.items():
        route = route.replace(f"<id:{name}>", str(value))
    return "/" + route


async def _connect(path: str, user):
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), path)
    communicator.scope["user"] = user or AnonymousUser()
    connected, _ = await communicator.connect(timeout=5)
    return communicator, connected


async def test_every_websocket_route_admits_only_the_roles_it_should(capsys):
    roles, samples = await ws_world()
    routes = [str(pattern.pattern) for pattern in websocket_urlpatterns]
    unknown = [route for route in routes if route not in WS_EXPECTED]
    assert not unknown, f"websocket routes missing from WS_EXPECTED: {unknown}"
    mismatches, checked = [], 0
    for route in routes:
        for sample, row in WS_EXPECTED[route].items():
            for role, expected in zip(ROLES, row.split(), strict=True):
                communicator, connected = await _connect(_path(route, samples[sample]), roles[role])
                checked += 1
                if ("ok" if connected else "refused") != expected:
                    mismatches.append(f"{route} ({sample or 'no object'}) as {role}: expected {expected}")
                await communicator.disconnect()
    with capsys.disabled():
        print(f"\nwebsocket walk: {checked} route x object x role combinations checked")
    assert not mismatches, "\n".join(mismatches)


def test_every_consumer_is_push_only_with_the_shared_limits():
    for pattern in websocket_urlpatterns:
        consumer = pattern.callback.consumer_class
        assert issubclass(consumer, PushOnlyConsumer), f"{pattern.pattern} does not use PushOnlyConsumer"


async def _open_ideas_socket():
    communicator, connected = await _connect("/ws/ideas/", None)
    assert connected
    return communicator


async def _closed_with(communicator) -> int:
    message = await communicator.receive_output(timeout=5)
    assert message["type"] == "websocket.close", message
    return message.get("code")


@pytest.mark.parametrize("frame", [
    {"bytes_data": b"\x00\xff binary"},
    {"text_data": "{not json"},
    {"text_data": "\x00\x01"},
    {"text_data": json.dumps({"type": "x", "pad": "a" * 10_000})},
    {"text_data": "[" * 5000},
])
async def test_a_malformed_or_oversized_message_closes_the_socket_politely(frame):
    communicator = await _open_ideas_socket()
    await communicator.send_to(**frame)
    assert await _closed_with(communicator) == UNACCEPTABLE_MESSAGE
    await communicator.disconnect()


@pytest.mark.parametrize("text", ['{"type": "subscribe", "topic": 1}', '"just a string"', "[1, 2]", "null",
                                  '{"type": "<script>alert(1)</script>"}'])
async def test_an_unknown_message_is_ignored_and_the_socket_stays_open(text):
    communicator = await _open_ideas_socket()
    await communicator.send_to(text_data=text)
    assert await communicator.receive_nothing(timeout=0.2)
    await communicator.disconnect()


async def test_a_flood_of_messages_closes_the_socket_with_the_rate_limit_code():
    member = await database_sync_to_async(UserFactory)()
    communicator, connected = await _connect("/ws/notifications/", member)
    assert connected
    for _ in range(PushOnlyConsumer.max_messages):
        await communicator.send_to(text_data="{}")
    assert await communicator.receive_nothing(timeout=0.2)  # within the limit: still open
    await communicator.send_to(text_data="{}")
    assert await _closed_with(communicator) == TOO_MANY_MESSAGES
    await communicator.disconnect()
