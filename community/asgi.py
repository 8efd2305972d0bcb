"""ASGI entry point: HTTP through Django, websockets through Channels with the session user."""

import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "community.settings.base")
django_asgi_app = get_asgi_application()

from django.conf import settings  # noqa: E402
from django.core.handlers.asgi import ASGIHandler  # noqa: E402


class OneThreadASGIHandler(ASGIHandler):
    """Django's ASGI handler, except that every request's sync code (middleware, views) runs
    on the process's one sync thread, as a WSGI sync worker runs one request at a time.

    Django's handler gives each request a ``ThreadSensitiveContext``: a new thread started
    and joined per request. Under load the event loop waited in ``Thread.start`` for each
    (a tenth of a busy process's time) and eight request threads per process fought over
    the GIL. One reused thread served the bare view twice as fast (680 -> 1,190-1,360 req/s)
    and a signed-in topic page 180 -> 234-268 req/s with p99 139-187 -> 87-147 ms (wrk, 16
    connections, two processes). As with sync workers, a request that blocks holds up the
    others of its process: run several processes (``serve --workers``)."""

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        await self.handle(scope, receive, send)


if settings.HEARTH_ONE_REQUEST_THREAD:
    django_asgi_app = OneThreadASGIHandler()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from community.outage import WebsocketOutageGuard  # noqa: E402
from community.routing import websocket_urlpatterns  # noqa: E402
from community.socket_limits import SocketLimits  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # Socket caps first (no database needed), then the outage guard: the session lookup
        # meets the database first.
        "websocket": SocketLimits(WebsocketOutageGuard(
            AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))
        )),
    }
)

if os.environ.get("HEARTH_GC_FREEZE") == "1":
    # Set by `manage.py serve`. Everything loaded so far lives as long as the process: move
    # it out of the collector's generations so full collections (which the allocation-heavy
    # template rendering triggers) do not walk tens of thousands of long-lived objects.
    gc.collect()
    gc.freeze()
