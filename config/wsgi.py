"""WSGI entry point: every HTTP request on the real stack, served by gunicorn's sync workers
(gunicorn.conf.py) behind the reverse proxy (deploy/nginx.conf). Websockets are served from
config.asgi by their own server (gunicorn-sockets.conf.py)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
application = get_wsgi_application()
