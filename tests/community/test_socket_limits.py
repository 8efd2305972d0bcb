"""Caps on the websockets one client holds open (community/socket_limits.py): per client
address and per session, shared through the cache, given back when a socket closes."""

import logging

import pytest
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.testing import WebsocketCommunicator
from django.conf import settings as django_settings

from community.socket_limits import TOO_MANY, SocketLimits


class AcceptingConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        await self.accept()


limited_app = SocketLimits(AcceptingConsumer.as_asgi())


def _socket(app=limited_app, *, address="198.51.100.1", session="", path="/ws/test/"):
    headers = [(b"origin", b"http://testserver")]
    if session:
        headers.append((b"cookie", f"{django_settings.SESSION_COOKIE_NAME}={session}; theme=dark".encode()))
    communicator = WebsocketCommunicator(app, path, headers=headers)
    communicator.scope["client"] = (address, 50000)
    return communicator


async def _open(count: int, **kwargs) -> list[WebsocketCommunicator]:
    sockets = []
    for _ in range(count):
        socket = _socket(**kwargs)
        connected, _code = await socket.connect()
        assert connected
        sockets.append(socket)
    return sockets


async def _close_all(sockets) -> None:
    for socket in sockets:
        await socket.disconnect()


@pytest.mark.asyncio
async def test_a_client_address_past_its_cap_is_refused_and_a_closed_socket_frees_a_place(settings, caplog):
    settings.HEARTH_WS_MAX_PER_ADDRESS = 3
    sockets = await _open(3)
    refused = _socket()
    with caplog.at_level(logging.INFO):
        assert await refused.connect() == (False, TOO_MANY)
    assert not [record for record in caplog.records if record.levelno >= logging.WARNING]
    # Another address is counted on its own.
    other = await _open(1, address="203.0.113.5")
    await sockets.pop().disconnect()
    sockets += await _open(1)
    assert await _socket().connect() == (False, TOO_MANY)
    await _close_all(sockets + other)


@pytest.mark.asyncio
async def test_a_session_past_its_cap_is_refused_while_other_sessions_from_its_address_connect(settings):
    settings.HEARTH_WS_MAX_PER_ADDRESS = 50
    settings.HEARTH_WS_MAX_PER_SESSION = 2
    sockets = await _open(2, session="abc123")
    assert await _socket(session="abc123").connect() == (False, TOO_MANY)
    sockets += await _open(2, session="other-session")
    sockets += await _open(3)  # no session cookie: only the address cap applies
    await _close_all(sockets)


@pytest.mark.asyncio
async def test_a_refused_session_does_not_use_up_a_place_of_its_address(settings):
    settings.HEARTH_WS_MAX_PER_ADDRESS = 3
    settings.HEARTH_WS_MAX_PER_SESSION = 1
    sockets = await _open(1, session="abc123")
    for _ in range(5):
        assert await _socket(session="abc123").connect() == (False, TOO_MANY)
    sockets += await _open(2)
    await _close_all(sockets)


@pytest.mark.asyncio
async def test_every_place_is_given_back_when_the_sockets_close(settings):
    settings.HEARTH_WS_MAX_PER_ADDRESS = 2
    settings.HEARTH_WS_MAX_PER_SESSION = 2
    for _ in range(3):
        await _close_all(await _open(2, session="abc123"))


@pytest.mark.asyncio
async def test_a_forged_forwarded_for_header_does_not_escape_the_address_cap(settings):
    settings.HEARTH_WS_MAX_PER_ADDRESS = 2
    sockets = await _open(2)
    forged = _socket()
    forged.scope["headers"].append((b"x-forwarded-for", b"192.0.2.77"))
    assert await forged.connect() == (False, TOO_MANY)
    await _close_all(sockets)


@pytest.mark.asyncio
@pytest.mark.django_db
async def test_the_sites_websocket_application_applies_the_caps(settings):
    from config.asgi import application

    settings.HEARTH_WS_MAX_PER_ADDRESS = 2
    sockets = await _open(2, app=application, path="/ws/ideas/")
    assert await _socket(application, path="/ws/ideas/").connect() == (False, TOO_MANY)
    await _close_all(sockets)
