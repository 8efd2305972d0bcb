"""What a request gets while a data store Hearth cannot serve without is down.

The database is the truth: without it no page can be built, so a request that meets a
database error gets the plain 503 page (``templates/503.html``, rendered without touching the
database or the session) with ``Retry-After``, never a stack trace. The connection is then
dropped, and CONN_HEALTH_CHECKS makes the next request open a fresh one: the site recovers
on its own when the database is back. A websocket that meets the database or the channel
layer down is closed cleanly (4013, "try again later"); the client reconnects with backoff.
"""

import logging

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse
from django.template.loader import render_to_string
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from community.error_pages import server_error_page

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
# Websocket close code "try again later": servers may only send 1000 or 3000-4999 (Daphne
# refuses 1013 itself), so the application range mirrors 1013.
TRY_AGAIN_LATER = 4013

# Errors that mean "the database is unreachable", as opposed to a bug in a query.
DATABASE_DOWN = (OperationalError, InterfaceError)
LIVE_LAYER_DOWN = (*DATABASE_DOWN, RedisConnectionError, RedisTimeoutError, OSError)


def is_database_outage(exc: BaseException | None) -> bool:
    return isinstance(exc, DATABASE_DOWN)


def service_unavailable() -> HttpResponse:
    # Dropping the connection now spares the next request a health check on a dead socket.
    for connection in connections.all(initialized_only=True):
        connection.close_if_unusable_or_obsolete()
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseOutageMiddleware:
    """Turns a database outage met by a view into the 503 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_outage(exception):
            logger.warning("database unavailable for %s %s: %s", request.method, request.path, exception)
            return service_unavailable()
        return None


def server_error(request, *args, **kwargs):
    """handler500: the 503 page when the error was a database outage met outside a view
    (session save, a middleware), else the 500 page (built without the database)."""
    import sys

    if is_database_outage(sys.exc_info()[1]):
        return service_unavailable()
    return server_error_page()


class WebsocketOutageGuard:
    """ASGI wrapper for websocket routes: a consumer that fails because the database or the
    channel layer is down closes the socket with 4013 instead of an internal error."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        closed = False

        async def tracking_send(message):
            nonlocal closed
            if message.get("type") == "websocket.close":
                closed = True
            await send(message)

        try:
            return await self.app(scope, receive, tracking_send)
        except LIVE_LAYER_DOWN as exc:
            logger.warning("websocket %s closed: a data store is down (%s)", scope.get("path"), exc)
            if not closed:
                await send({"type": "websocket.close", "code": TRY_AGAIN_LATER})
            return None

