"""Live points (badges/live.py): every ledger change reaches the member's open pages after
commit, and a page opening just after it (where a form redirected) catches up on it once."""

import datetime

import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from badges import live
from badges.models import PointsEntry
from badges.services.wallet import award_points
from config.routing import websocket_urlpatterns
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _award(member, points=5, reason="points_adjusted", source_id=1, **kwargs):
    return award_points(user_id=member.pk, points=points, reason=reason,
                        source_label="community.user", source_id=source_id, **kwargs)


def test_a_tabs_first_page_only_learns_where_the_ledger_stands():
    member = UserFactory()
    assert live.catch_up(member.pk, None) == {
        "type": "points.changed", "entries": [], "last": 0, "lifetime": 0, "spendable": 0}
    _award(member)
    answer = live.catch_up(member.pk, None)
    assert answer["entries"] == [] and answer["last"] == PointsEntry.objects.get().pk


def test_a_page_catches_up_on_what_it_missed_with_the_reason_and_balances():
    member = UserFactory()
    _award(member, points=5, source_id=1)
    cursor = live.catch_up(member.pk, None)["last"]
    _award(member, points=7, source_id=2)
    answer = live.catch_up(member.pk, cursor)
    assert [(e["points"], e["label"]) for e in answer["entries"]] == [(7, "Adjusted by the team")]
    assert (answer["lifetime"], answer["spendable"]) == (12, 12)
    assert answer["last"] > cursor
    assert live.catch_up(member.pk, answer["last"])["entries"] == []


def test_old_changes_are_not_caught_up_on_as_news():
    member = UserFactory()
    _award(member, now=timezone.now() - live.CATCH_UP_WINDOW - datetime.timedelta(seconds=5))
    answer = live.catch_up(member.pk, 0)
    assert answer["entries"] == [] and answer["last"] > 0


def test_a_member_never_catches_up_on_another_members_points():
    member, other = UserFactory(), UserFactory()
    _award(other)
    assert live.catch_up(member.pk, 0)["entries"] == []


def test_a_change_is_pushed_to_the_members_pages_after_commit_only(
        monkeypatch, django_capture_on_commit_callbacks):
    sent = []
    monkeypatch.setattr(live, "send_many_now", sent.extend)
    member = UserFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _award(member, points=3)
    assert sent == []
    for callback in callbacks:
        callback()
    ((group, event),) = sent
    assert group == f"user.{member.pk}" and event["type"] == "member.event"
    payload = event["payload"]
    assert [(e["points"], e["label"]) for e in payload["entries"]] == [(3, "Adjusted by the team")]
    assert payload["last"] == payload["entries"][0]["id"]


def _socket(user):
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), "/ws/notifications/")
    communicator.scope["user"] = user
    return communicator


@pytest.mark.django_db(transaction=True)
async def test_the_socket_answers_a_catch_up_and_pushes_live_changes():
    member = await sync_to_async(UserFactory)()
    socket = _socket(member)
    assert (await socket.connect())[0]
    await socket.send_json_to({"type": "catch_up", "name": "points", "after": None})
    assert (await socket.receive_json_from(timeout=5))["last"] == 0
    await sync_to_async(_award)(member, points=4)
    pushed = await socket.receive_json_from(timeout=5)
    assert pushed["type"] == "points.changed" and pushed["entries"][0]["points"] == 4
    await socket.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("message", [
    {"type": "catch_up", "name": "points", "after": -1},
    {"type": "catch_up", "name": "points", "after": "1 or 1=1"},
    {"type": "catch_up", "name": "points", "after": True},
    {"type": "catch_up", "name": "points", "after": 2**70},
    {"type": "catch_up", "name": "nothing", "after": 1},
    {"type": "catch_up", "name": ["points"], "after": 1},
    ["catch_up"], {"type": "subscribe", "group": "user.1"},
])
async def test_a_malformed_request_on_the_socket_is_ignored(message):
    member = await sync_to_async(UserFactory)()
    socket = _socket(member)
    assert (await socket.connect())[0]
    await socket.send_json_to(message)
    assert await socket.receive_nothing(timeout=0.3)
    await socket.disconnect()
