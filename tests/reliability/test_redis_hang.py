"""Redis hangs (accepts connections, never answers) while the site runs: with the production
client timeouts every Redis client gives up quickly, so a hung Redis costs what a dead one
does. Pages and writes answer within a second or two, writes are kept (their tasks wait in
the outbox), /healthz says "degraded" within its probe budget, and everything recovers
without a restart when Redis answers again.

The private redis-server is frozen with SIGSTOP (the shared one is never touched). Run with
``-s`` to print the measured latencies (bench/README.md records them)."""

import time
from datetime import timedelta

import pytest
from django.db.models import F
from django.test import Client

from community import cache as fail_soft_cache
from community import deferred, realtime
from community.models import OutboxTask
from config.settings import base as production
from forum.models import Post
from tests.factories import UserFactory
from tests.forum.factories import CategoryFactory, make_topic
from tests.reliability.conftest import _reset_broker_pools
from tests.reliability.faults import PrivateRedis

pytestmark = [pytest.mark.stack, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("moderation_relaxed")]

# Generous bounds, so the test fails on a real regression (tens of seconds before the
# timeouts) and never on a slow machine; the measured figures are far below them.
PAGE_BOUND = 2.0
WRITE_BOUND = 3.0
HEALTH_BOUND = 2.5


@pytest.fixture
def stack_on_private_redis(settings):
    """Cache, sessions, page caches, channel layer and Celery broker of this process on a
    private Redis, with the client options production uses (community/settings/base.py)."""
    from config.celery import app

    server = PrivateRedis()
    server.start()
    production_cache = production.CACHES["default"]
    production_host = production.CHANNEL_LAYERS["default"]["CONFIG"]["hosts"][0]
    settings.CACHES = {"default": {**production_cache, "LOCATION": f"{server.url}/0"}}
    settings.CHANNEL_LAYERS = {"default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [{**production_host, "address": f"{server.url}/2"}]}}}
    settings.HEARTH_ANONYMOUS_PAGE_CACHE = True
    settings.CELERY_TASK_ALWAYS_EAGER = False
    original = (app.conf.task_always_eager, app.conf.broker_url, app.conf.broker_transport_options)
    app.conf.task_always_eager = False
    app.conf.broker_url = f"{server.url}/1"
    app.conf.broker_transport_options = production.CELERY_BROKER_TRANSPORT_OPTIONS
    _reset_broker_pools(app)
    fail_soft_cache.unavailable.reset()
    realtime.unavailable.reset()
    yield server
    server.wake()
    server.stop()
    app.conf.task_always_eager, app.conf.broker_url, app.conf.broker_transport_options = original
    _reset_broker_pools(app)
    fail_soft_cache.unavailable.reset()
    realtime.unavailable.reset()


def _timed(call):
    started = time.perf_counter()
    response = call()
    return response, time.perf_counter() - started


def test_a_hung_redis_costs_pages_writes_and_healthz_no_more_than_a_dead_one(client, stack_on_private_redis):
    server = stack_on_private_redis
    author, member = UserFactory(username="asker"), UserFactory(username="helper")
    topic = make_topic(author=author, category=CategoryFactory(slug="kitchen"))
    url = topic.get_absolute_url()
    visitor = Client()
    client.force_login(member)
    # Warm up: connection pools hold connections to Redis, as a running site's do.
    assert visitor.get(url).status_code == 200 and client.get(url).status_code == 200
    assert client.get("/healthz").json()["ok"] is True

    server.hang()
    figures = {"anonymous page": [], "member page": [], "reply": [], "/healthz": []}
    for attempt in range(4):
        if attempt == 3:  # once the pauses ran out, a request meets the timeouts again
            time.sleep(fail_soft_cache.unavailable.pause)
        page, took = _timed(lambda: visitor.get(url))
        assert page.status_code == 200 and topic.title in page.content.decode()
        figures["anonymous page"].append(took)
        page, took = _timed(lambda: client.get(url))
        assert page.status_code == 200
        figures["member page"].append(took)
        body = f"Soak it in vinegar overnight, take {attempt}."
        reply, took = _timed(lambda body=body: client.post(f"/forum/t/{topic.pk}/reply/", {"body": body}))
        assert reply.status_code == 302
        assert Post.objects.filter(topic=topic, author=member, body=body).exists()  # kept
        figures["reply"].append(took)
        health, took = _timed(lambda: client.get("/healthz"))
        assert health.status_code == 200  # still serving, degraded
        assert set(health.json()["degraded"]) == {"cache", "channel_layer", "task_broker"}
        figures["/healthz"].append(took)
    print("\nseconds while Redis hangs: first round / rounds 2-3 (paused) / round 4 (pauses ran out)")
    for name, took in figures.items():
        print(f"  {name:15} {took[0]:.2f} / {max(took[1:3]):.2f} / {took[3]:.2f}")
    for name, bound in (("anonymous page", PAGE_BOUND), ("member page", PAGE_BOUND),
                        ("reply", WRITE_BOUND), ("/healthz", HEALTH_BOUND)):
        assert max(figures[name]) < bound, (name, figures[name])
    owed = OutboxTask.objects.filter(completed_at__isnull=True, task_name="forum.tasks.notify_watchers")
    assert owed.count() == 4  # each reply's notifications wait in the outbox

    server.wake()  # Redis answers again: no restart, the pauses run out on their own
    recovered_at = time.monotonic() + 15
    while not client.get("/healthz").json()["ok"]:
        assert time.monotonic() < recovered_at, "still degraded 15 s after Redis answered again"
        time.sleep(0.5)
    OutboxTask.objects.update(created_at=F("created_at") - timedelta(hours=1),
                              dispatched_at=F("dispatched_at") - timedelta(hours=1))
    assert deferred.redispatch_owed()["sent"] == OutboxTask.objects.filter(completed_at__isnull=True).count()
    assert client.get(url).status_code == 200
