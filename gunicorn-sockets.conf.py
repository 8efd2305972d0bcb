"""Gunicorn settings for Hearth's websocket server on the real stack (`bin/run-stack`): the
reverse proxy (deploy/nginx.conf) sends /ws/ here.

    .venv/bin/gunicorn -c gunicorn-sockets.conf.py

The same supervision as the HTTP server (gunicorn.conf.py, whose settings this file starts
from): dead workers replaced, recycling, graceful reload on SIGHUP. Here the workers are
uvicorn's, running the ASGI application (Channels), each holding many open sockets on one
event loop; SOCKET_PROCESSES of them (default 1: a socket costs little until a message goes
out), on SOCKET_PORT. On SIGTERM and SIGHUP open sockets are closed after the graceful
timeout and the pages reconnect to the new workers.
"""

import os
import runpy
from pathlib import Path

shared = runpy.run_path(str(Path(__file__).with_name("gunicorn.conf.py")))
globals().update({name: value for name, value in shared.items() if not name.startswith("_")})
_int = shared["_int"]

wsgi_app = "config.asgi:application"
worker_class = "uvicorn_worker.UvicornWorker"
bind = [f"{os.environ.get('HOST', '127.0.0.1')}:{_int('SOCKET_PORT', 8002)}"]
workers = _int("SOCKET_PROCESSES", 1)
# WEB_TIMEOUT here bounds how long a worker's event loop may go without checking in; open
# sockets wait far longer between messages (uvicorn's pings keep them alive).
pidfile = os.environ.get("SOCKET_PIDFILE") or None
