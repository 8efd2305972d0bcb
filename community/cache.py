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

A Redis that hangs rather than refuses is met with short socket timeouts (settings) and,
after the first timeout, a pause of ``unavailable.pause`` seconds in which calls are not tried at
all: it then costs what a Redis that is down costs. Failures are logged at most once per
``LOG_EVERY`` seconds per process.
"""

import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from community.breaker import Breaker

logger = logging.getLogger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)
TIMED_OUT = (RedisTimeoutError, TimeoutError)
LOG_EVERY = 30.0
# After a call found Redis not answering, every cache call in this process is a miss for this
# many seconds (community/breaker.py): a hung Redis costs a request one socket timeout.
unavailable = Breaker(pause=5.0)


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

    def _failed(self, operation: str, error: Exception) -> None:
        if isinstance(error, TIMED_OUT):
            # A Redis that hangs costs each call its socket timeout: skip it for a while. (One
            # that is down refuses at once, costs nothing, and is tried again every call.)
            unavailable.trip()
        now = time.monotonic()
        if now - FailSoftRedisCache._last_logged >= LOG_EVERY:
            FailSoftRedisCache._last_logged = now
            logger.warning("cache unavailable (%s); serving without it for %ss", operation,
                           unavailable.pause, exc_info=True)

    def _fail_soft(self, operation: str, call, fallback):
        """``call()``, or ``fallback()`` when Redis does not answer or was just found not
        answering (the breaker is open)."""
        if unavailable.is_open():
            return fallback()
        try:
            return call()
        except UNAVAILABLE as error:
            self._failed(operation, error)
            return fallback()

    def add(self, key, *args, **kwargs):
        # Fails open like the rest: "added" rather than "taken". Callers use add as a lock or
        # a once-only marker (allauth's rate limits lock with it before every sign-in);
        # refusing would turn every sign-in into "too many attempts" for the whole outage,
        # while a lock no one else can reach protects nothing anyway.
        return self._fail_soft("add", lambda: super(FailSoftRedisCache, self).add(key, *args, **kwargs),
                               lambda: True)

    def get(self, key, default=None, version=None):
        return self._fail_soft("get", lambda: super(FailSoftRedisCache, self).get(key, default, version),
                               lambda: default)

    def set(self, key, *args, **kwargs):
        return self._fail_soft("set", lambda: super(FailSoftRedisCache, self).set(key, *args, **kwargs),
                               lambda: None)

    def touch(self, key, *args, **kwargs):
        return self._fail_soft("touch", lambda: super(FailSoftRedisCache, self).touch(key, *args, **kwargs),
                               lambda: False)

    def delete(self, key, version=None):
        return self._fail_soft("delete", lambda: super(FailSoftRedisCache, self).delete(key, version),
                               lambda: False)

    def get_many(self, keys, version=None):
        return self._fail_soft("get_many", lambda: super(FailSoftRedisCache, self).get_many(keys, version),
                               dict)

    def has_key(self, key, version=None):
        return self._fail_soft("has_key", lambda: super(FailSoftRedisCache, self).has_key(key, version),
                               lambda: False)

    def incr(self, key, delta=1, version=None):
        def missing():
            # Behave as a key that does not exist: callers (the rate limits) start a new
            # window, which is the fail-open choice documented above.
            raise ValueError(f"Key '{key}' not found (cache unavailable)")

        return self._fail_soft("incr", lambda: super(FailSoftRedisCache, self).incr(key, delta, version),
                               missing)

    def set_many(self, data, *args, **kwargs):
        return self._fail_soft("set_many",
                               lambda: super(FailSoftRedisCache, self).set_many(data, *args, **kwargs),
                               lambda: list(data))

    def delete_many(self, keys, version=None):
        return self._fail_soft("delete_many",
                               lambda: super(FailSoftRedisCache, self).delete_many(keys, version),
                               lambda: None)

    def clear(self):
        return self._fail_soft("clear", lambda: super(FailSoftRedisCache, self).clear(), lambda: False)
