"""ASGI entry point: HTTP through Django, websockets through Channels with the session user.

On the real stack it serves the websockets (gunicorn-sockets.conf.py: gunicorn's uvicorn
workers, which nginx sends /ws/ to) and HTTP goes to config.wsgi; in the embedded demo one
uvicorn server in `manage.py serve` serves both from here."""

import os
import warnings

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
# Static files (WhiteNoise) and uploads are file responses with a sync iterator: Django's
# ASGI handler reads them on a worker thread, chunk by chunk, and warns on every one. That is
# the intended way to serve them here (a CDN or the proxy takes them in larger deployments),
# so the warning is noise in the server's log, not a sign of a fault.
warnings.filterwarnings("ignore", message="StreamingHttpResponse must consume synchronous iterators")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from community.client_address import ClientAddressASGIMiddleware  # noqa: E402
from community.outage import WebsocketOutageGuard  # noqa: E402
from community.socket_limits import SocketLimits  # noqa: E402
from config.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # The client address is decided first (the socket caps count per address), then the
        # caps (no database needed), then the outage guard: the session lookup meets the
        # database first.
        "websocket": ClientAddressASGIMiddleware(SocketLimits(WebsocketOutageGuard(
            AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))
        ))),
    }
)
