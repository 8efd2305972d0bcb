"""Gunicorn settings for Hearth's HTTP server on the real stack (`bin/run-stack`, `make bench`,
the soak). Websockets have their own server (gunicorn-sockets.conf.py, which reuses these
settings); the reverse proxy (deploy/nginx.conf) sends /ws/ there and everything else here.

    .venv/bin/gunicorn -c gunicorn.conf.py

Gunicorn supervises WEB_PROCESSES sync workers running the WSGI application: each serves one
request at a time, so a request that runs longer than WEB_TIMEOUT seconds gets its worker
killed and replaced, as does a worker that dies. Each worker is recycled after about
WEB_MAX_REQUESTS requests (the jitter keeps them from restarting together), SIGHUP starts
workers with fresh code and stops the old ones gracefully (within WEB_GRACEFUL_TIMEOUT
seconds), SIGTERM stops the server gracefully and SIGINT (Ctrl-C) at once. Every value comes
from the environment, with defaults for one host.

Why sync workers: on the bench (2 cores, 16 connections) they served every page faster than
uvicorn workers running the ASGI application, e.g. the signed-in topic page 118 against 72-97
req/s and the cached anonymous one 1,856 against 624 req/s. Under ASGI every request crosses
from the event loop to a thread and back for each layer of sync code (middleware, view);
here it runs straight through. A sync worker is held by a slow client for as long as it
sends or reads, which is why it runs behind nginx, which buffers both.
"""

import gc
import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


wsgi_app = "config.wsgi:application"
worker_class = "sync"
bind = [f"{os.environ.get('HOST', '127.0.0.1')}:{_int('WEB_PORT', 8001)}"]
# Rendering is CPU-bound: one worker per core, and one more to use the time the others wait
# on PostgreSQL and Redis (on 2 cores, 3 workers served the topic page at 124 req/s, 4 at 107).
workers = _int("WEB_PROCESSES", (os.cpu_count() or 2) + 1)

# The longest a request may run (and a worker may go without checking in) before the worker
# is killed and replaced; the proxy answers that request with a 502.
timeout = _int("WEB_TIMEOUT", 30)
# On SIGTERM and SIGHUP, requests in flight get this long to finish before their worker is
# killed.
graceful_timeout = _int("WEB_GRACEFUL_TIMEOUT", 30)
# Recycling bounds what a worker can accumulate (memory fragmentation, a slow leak); a worker
# takes seconds of CPU to boot, so the default leaves minutes between recycles under load.
max_requests = _int("WEB_MAX_REQUESTS", 50_000)
max_requests_jitter = _int("WEB_MAX_REQUESTS_JITTER", max_requests // 10)

# Forwarded headers are never applied by the server itself: Hearth decides the client address
# in one place (community.client_address, HEARTH_TRUSTED_PROXIES) and the scheme through
# SECURE_PROXY_SSL_HEADER, so a header a client forged cannot change either here.
forwarded_allow_ips = ""

# Errors (and start-up, worker restarts) to stderr; an access log only when asked for, since
# the reverse proxy in front keeps one.
errorlog = "-"
loglevel = os.environ.get("WEB_LOG_LEVEL", "info")
accesslog = os.environ.get("WEB_ACCESS_LOG") or None
pidfile = os.environ.get("WEB_PIDFILE") or None


def post_worker_init(worker):
    """Everything a worker loaded at start-up (modules, URL patterns, settings, templates'
    loaders) lives as long as the worker: move it out of the collector's generations, so the
    full collections that allocation-heavy rendering triggers do not walk it again and again
    (a ~60 ms pause per full collection, seen in every p99). WEB_GC_FREEZE=0 turns it off."""
    if os.environ.get("WEB_GC_FREEZE", "1") == "1":
        gc.collect()
        gc.freeze()
