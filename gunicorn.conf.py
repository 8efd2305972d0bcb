"""Gunicorn settings for Hearth on the real stack (`bin/run-stack`, `make bench`, the soak).

    .venv/bin/gunicorn -c gunicorn.conf.py config.asgi:application

Gunicorn supervises WEB_PROCESSES uvicorn workers, each serving HTTP and websockets from the
ASGI application: a worker that dies or stops answering its heartbeat for WEB_TIMEOUT seconds
is replaced, each worker is recycled after about WEB_MAX_REQUESTS requests (the jitter keeps
them from restarting together), SIGHUP starts workers with fresh code and stops the old ones
gracefully (within WEB_GRACEFUL_TIMEOUT seconds), SIGTERM stops the server gracefully and
SIGINT (Ctrl-C) at once. Every value comes from the environment, with defaults for one host.
"""

import gc
import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


wsgi_app = "config.asgi:application"
worker_class = "uvicorn_worker.UvicornWorker"
bind = [f"{os.environ.get('HOST', '127.0.0.1')}:{_int('PORT', 8000)}"]
workers = _int("WEB_PROCESSES", os.cpu_count() or 2)

# A worker whose event loop has not checked in for this long (a view blocking the loop, a
# deadlocked process) is killed and replaced. Sync views run in threads beside the loop; the
# database bounds them (connect_timeout, the pool's timeout).
timeout = _int("WEB_TIMEOUT", 30)
# On SIGTERM and SIGHUP, requests in flight get this long to finish before their worker is
# killed; open websockets are closed then (clients reconnect to the new workers).
graceful_timeout = _int("WEB_GRACEFUL_TIMEOUT", 30)
keepalive = _int("WEB_KEEPALIVE", 5)
# Recycling bounds what a worker can accumulate (memory fragmentation, a slow leak). A worker
# takes seconds of CPU to boot and closes its keep-alive connections when it goes: at 10,000
# the bench (~550 req/s per worker on the bare view) recycled each worker about every 20 s of
# load and wrk saw connections drop, so the default leaves minutes between recycles.
max_requests = _int("WEB_MAX_REQUESTS", 50_000)
max_requests_jitter = _int("WEB_MAX_REQUESTS_JITTER", max_requests // 10)

# Forwarded headers are never applied by the server itself: Hearth decides the client address
# in one place (community.client_address, HEARTH_TRUSTED_PROXIES) and the scheme through
# SECURE_PROXY_SSL_HEADER, so a header a client forged cannot change either here.
forwarded_allow_ips = ""

# Errors (and start-up, worker restarts) to stderr; an access log only when asked for, since
# the reverse proxy in front usually keeps one.
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
