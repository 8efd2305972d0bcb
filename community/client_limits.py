"""Per-client limits on requests that cost the server something (suggestions computed while
typing, open websockets), counted in the cache so every server process shares them.

``client_address`` is the one place Hearth reads a request's client address for such limits:
it asks allauth's account adapter, the same source log-in, sign-up and password-reset limits
use, so every limit honours the same trusted-proxy configuration.
"""

from __future__ import annotations

import hashlib
import logging
import time

from django.core.cache import cache
from django.core.exceptions import PermissionDenied

logger = logging.getLogger(__name__)


def client_address(request) -> str:
    from allauth.account.adapter import get_adapter

    try:
        return get_adapter().get_client_ip(request) or "unknown"
    except PermissionDenied:  # no address at all (some test clients): one shared bucket
        return "unknown"


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
