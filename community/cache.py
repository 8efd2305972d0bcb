"""A Redis cache that fails soft: when Redis does not answer, reads miss and writes are
dropped, so every page still renders from the database.

What leans on the cache, and what it does while Redis is down:
* sessions (``cached_db``): read from and written to the database, which stays the truth;
* Wagtail's and the apps' caches: recomputed per request;
* rate-limit counters (``moderation.services.limits``) and allauth's rate-limit lock (``add``):
  they fail OPEN. A miss counts as an empty window and ``add`` succeeds, so members can keep
  signing in and posting; refusing every write during a cache outage would lose more than a
  few minutes without rate limits risk, and suspensions, trust rules, spam scans and
  pre-moderation, which live in the database, keep applying.

Failures are logged at most once per ``LOG_EVERY`` seconds per process.
"""

import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)
LOG_EVERY = 30.0


_shared_pools: dict[tuple, object] = {}
_shared_clients: dict[int, object] = {}
_shared_pools_lock = threading.Lock()


class SharedPoolRedisCacheClient(RedisCacheClient):
    """One connection pool per server and options for the whole process. Django keeps a cache
    backend per thread and async context, and under ASGI every request gets its own, so the
    stock client opened a new Redis connection (HELLO, SELECT) for every request that touched
    the cache. redis-py pools are thread-safe and reset themselves after a fork.

    The ``Redis`` client object over a pool is kept too: the stock ``get_client`` built a new
    one (and its response-callback tables) for every cache operation, a tenth of a shared
    member page's time. A client only hands each command a connection from its pool, so one
    per pool serves every thread."""

    def _get_connection_pool(self, write):
        server = self._servers[self._get_connection_pool_index(write)]
        key = (server, tuple(sorted((name, repr(value)) for name, value in self._pool_options.items())))
        pool = _shared_pools.get(key)
        if pool is None:
            with _shared_pools_lock:
                pool = _shared_pools.get(key)
                if pool is None:
                    pool = _shared_pools[key] = self._pool_class.from_url(server, **self._pool_options)
        return pool

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = _shared_clients.get(id(pool))
        if client is None:
            with _shared_pools_lock:
                client = _shared_clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client


class FailSoftRedisCache(RedisCache):
    _last_logged = 0.0

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedPoolRedisCacheClient

    def _failed(self, operation: str) -> None:
        now = time.monotonic()
        if now - FailSoftRedisCache._last_logged >= LOG_EVERY:
            FailSoftRedisCache._last_logged = now
            logger.warning("cache unavailable (%s); serving without it", operation, exc_info=True)

    def add(self, key, *args, **kwargs):
        try:
            return super().add(key, *args, **kwargs)
        except UNAVAILABLE:
            # Fails open like the rest: "added" rather than "taken". Callers use add as a
            # lock or a once-only marker (allauth's rate limits lock with it before every
            # sign-in); refusing would turn every sign-in into "too many attempts" for the
            # whole outage, while a lock no one else can reach protects nothing anyway.
            self._failed("add")
            return True

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except UNAVAILABLE:
            self._failed("get")
            return default

    def set(self, key, *args, **kwargs):
        try:
            return super().set(key, *args, **kwargs)
        except UNAVAILABLE:
            self._failed("set")

    def touch(self, key, *args, **kwargs):
        try:
            return super().touch(key, *args, **kwargs)
        except UNAVAILABLE:
            self._failed("touch")
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except UNAVAILABLE:
            self._failed("delete")
            return False

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except UNAVAILABLE:
            self._failed("get_many")
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except UNAVAILABLE:
            self._failed("has_key")
            return False

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except UNAVAILABLE:
            # Behave as a key that does not exist: callers (the rate limits) start a new
            # window, which is the fail-open choice documented above.
            self._failed("incr")
            raise ValueError(f"Key '{key}' not found (cache unavailable)") from None

    def set_many(self, data, *args, **kwargs):
        try:
            return super().set_many(data, *args, **kwargs)
        except UNAVAILABLE:
            self._failed("set_many")
            return list(data)

    def delete_many(self, keys, version=None):
        try:
            return super().delete_many(keys, version)
        except UNAVAILABLE:
            self._failed("delete_many")

    def clear(self):
        try:
            return super().clear()
        except UNAVAILABLE:
            self._failed("clear")
            return False
