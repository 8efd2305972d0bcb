"""Per-client limits on requests that cost the server something (suggestions computed while
typing, open websockets), counted in the cache so every server process shares them.

The address is the one ``community.client_address`` decided (``REMOTE_ADDR`` for requests,
``scope["client"]`` for websockets, both set by its middlewares from the trusted-proxy rule),
the same one allauth's log-in, sign-up and password-reset limits count.
"""

from __future__ import annotations

import hashlib
import logging
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


def scope_client_address(scope: dict) -> str:
    """``client_address`` for an ASGI connection (a websocket)."""
    client = scope.get("client") or ("", 0)
    return client[0] or "unknown"


def _key(scope: str, ident: str, *parts: object) -> str:
    digest = hashlib.sha256(ident.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return ":".join(["limits", scope, digest, *map(str, parts)])


def take_slot(scope: str, ident: str, *, limit: int, seconds: int) -> int:
    """Count one use by ``ident`` in the current ``seconds`` window. Returns 0 when it is
    within ``limit``, otherwise the seconds until the window ends (for Retry-After).

    ``cache.incr`` is atomic, so concurrent requests never get past the limit. When the cache
    cannot be reached the use is allowed: these limits protect capacity, and an outage of the
    cache must not take the feature down with it."""
    now = time.time()
    window = int(now // seconds)
    key = _key(scope, ident, seconds, window)
    try:
        if cache.add(key, 1, timeout=seconds + 5):
            return 0
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: a fresh window
        return 0
    except Exception:
        logger.warning("limit %s not checked: the cache is unreachable", scope, exc_info=True)
        return 0
    if count <= limit:
        return 0
    return max(1, int((window + 1) * seconds - now) + 1)


def hold(scope: str, ident: str, *, limit: int, ttl: int) -> bool:
    """Take one of ``limit`` places ``ident`` may hold at once (open websockets); give it back
    with ``release``. False when all are taken. The count expires ``ttl`` seconds after the
    last place was taken, so places a crashed process never gave back do not stay taken.
    Fails open when the cache cannot be reached, like ``take_slot``."""
    key = _key(scope, ident, "held")
    try:
        cache.add(key, 0, timeout=ttl)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=ttl)
            count = 1
        if count > limit:
            cache.decr(key)
            return False
        cache.touch(key, timeout=ttl)
    except Exception:
        logger.warning("limit %s not checked: the cache is unreachable", scope, exc_info=True)
    return True


def release(scope: str, ident: str) -> None:
    key = _key(scope, ident, "held")
    try:
        if cache.decr(key) < 0:  # the count expired while the place was held
            cache.delete(key)
    except ValueError:  # expired: nothing to give back
        pass
    except Exception:
        logger.warning("limit %s not released: the cache is unreachable", scope, exc_info=True)
