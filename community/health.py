"""What /healthz reports: whether each component Hearth depends on answers right now.

The Redis probes (cache, channel layer, broker) run side by side in a small thread pool and
are given ``PROBE_BUDGET`` seconds together: a Redis that hangs makes /healthz answer
"degraded" in about that time instead of waiting on every client's timeouts in turn. A probe
that overruns keeps its pool thread until its own timeouts end it (about 2 s at most); the
pool has three threads, so a long hang never piles threads up.
"""

import asyncio
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache
from django.db import connection

PROBE_BUDGET = 1.5
_probes = ThreadPoolExecutor(max_workers=3, thread_name_prefix="healthz")


def _check(probe) -> dict:
    started = time.perf_counter()
    try:
        detail = probe()
    except Exception as exc:  # any failure means "not answering"; say which
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1), **(detail or {})}


def _database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"vendor": connection.vendor}


def _cache() -> dict:
    from community import cache as fail_soft_cache

    if fail_soft_cache.unavailable.is_open():
        raise RuntimeError("not tried: Redis did not answer moments ago")
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=5)
    if cache.get(key) != "1":
        raise RuntimeError("value written was not read back")
    cache.delete(key)
    return {"backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]}


def _channel_layer() -> dict:
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")

    async def round_trip():
        channel = await layer.new_channel()
        await layer.send(channel, {"type": "healthz.ping"})
        return await layer.receive(channel)

    async def round_trip_in_budget():
        return await asyncio.wait_for(round_trip(), timeout=PROBE_BUDGET)

    message = async_to_sync(round_trip_in_budget)()
    if message.get("type") != "healthz.ping":
        raise RuntimeError("channel layer returned the wrong message")
    return {"backend": type(layer).__name__}


def _broker() -> dict:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"mode": "in-process"}
    from celery import current_app as app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=PROBE_BUDGET)
        # Connecting proves little when Redis accepts and never answers: ask it something.
        conn.default_channel.client.ping()
    return {"mode": "celery"}


# Without the database no page can be built; without Redis the site still serves (the cache
# fails soft, live updates pause, owed tasks wait in the outbox), only degraded.
CRITICAL = {"database"}


def health_report() -> dict:
    """Each component's state. ``serving`` is False only when a critical component is down:
    /healthz then answers 503, so a load balancer takes this process out of rotation, but
    it does not for a Redis outage, which every process shares and survives."""
    redis_probes = {"cache": _cache, "channel_layer": _channel_layer, "task_broker": _broker}
    started = time.monotonic()
    pending = {name: _probes.submit(_check, probe) for name, probe in redis_probes.items()}
    components = {"database": _check(_database)}
    for name, future in pending.items():
        try:
            components[name] = future.result(timeout=max(0.0, started + PROBE_BUDGET - time.monotonic()))
        except FutureTimeout:
            components[name] = {"ok": False, "error": f"no answer within {PROBE_BUDGET}s"}
    degraded = sorted(name for name, c in components.items() if not c["ok"])
    return {
        "ok": not degraded,
        "serving": not (CRITICAL & set(degraded)),
        "degraded": degraded,
        "components": components,
    }
