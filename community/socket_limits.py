"""A cap on the websockets one client may hold open, per client address and per session.

Each open socket holds a task and a channel-layer subscription for as long as it lives, so
one client opening hundreds could use up a server. The counts are kept in the cache (Redis on
the real stack), so every server process shares them; a place is given back when its socket
closes, and counts expire HEARTH_WS_COUNT_TTL seconds after the last connection, so a crashed
process does not keep places taken. A refused connection is closed before it is accepted
(the browser sees the handshake refused, HTTP 403, and retries later with backoff), and
nothing is logged above INFO.

The session counted is the session cookie as sent: a client that invents cookies is still
held by the per-address cap.
"""

from __future__ import annotations

import logging
from http.cookies import CookieError, SimpleCookie

from asgiref.sync import sync_to_async
from django.conf import settings

from community import client_limits

logger = logging.getLogger(__name__)

TOO_MANY = 4029  # an application close code ("too many sockets"), for clients that read it


def _session_key(scope) -> str:
    for name, value in scope.get("headers", []):
        if name.lower() == b"cookie":
            try:
                morsel = SimpleCookie(value.decode("latin-1")).get(settings.SESSION_COOKIE_NAME)
            except CookieError:
                return ""
            return morsel.value if morsel else ""
    return ""


def _places(scope) -> list[tuple[str, str, int]]:
    """(limit scope, who, how many at once) for each cap this connection counts against."""
    places = [("ws-address", client_limits.scope_client_address(scope), settings.HEARTH_WS_MAX_PER_ADDRESS)]
    session = _session_key(scope)
    if session:
        places.append(("ws-session", session, settings.HEARTH_WS_MAX_PER_SESSION))
    return places


def _take(places) -> list[tuple[str, str, int]] | None:
    """Take a place under every cap, or none: the places taken, or None when one is full."""
    taken = []
    for scope, who, limit in places:
        if not client_limits.hold(scope, who, limit=limit, ttl=settings.HEARTH_WS_COUNT_TTL):
            _give_back(taken)
            return None
        taken.append((scope, who, limit))
    return taken


def _give_back(taken) -> None:
    for scope, who, _limit in taken:
        client_limits.release(scope, who)


class SocketLimits:
    """ASGI middleware around the websocket application (community/asgi.py)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            return await self.app(scope, receive, send)
        taken = await sync_to_async(_take, thread_sensitive=False)(_places(scope))
        if taken is None:
            logger.info("websocket %s refused: too many open from one client", scope.get("path"))
            await receive()  # the websocket.connect message, answered with a refusal
            await send({"type": "websocket.close", "code": TOO_MANY})
            return None
        try:
            return await self.app(scope, receive, send)
        finally:
            await sync_to_async(_give_back, thread_sensitive=False)(taken)
