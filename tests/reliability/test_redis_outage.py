"""Redis stops while the site runs (cache, channel layer and task broker all on it): pages
render, writes are saved, the work they owe waits in the outbox (points in the engine's
inbox), live sockets close cleanly and reconnect, and everything catches up when Redis
returns.

Uses a private redis-server the test kills and starts again; the shared one is never touched."""

from datetime import timedelta

import pytest
import redis
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.db.models import F

from badges.models import PendingEvent, PointsEntry
from badges.tasks import drain_events
from community import deferred
from community.models import OutboxTask
from forum.models import Post
from tests.factories import UserFactory
from tests.forum.factories import CategoryFactory, make_topic
from tests.reliability.conftest import _reset_broker_pools
from tests.reliability.faults import PrivateRedis

pytestmark = [pytest.mark.stack, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("moderation_relaxed")]


@pytest.fixture
def private_redis():
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def stack_on_private_redis(private_redis, settings):
    """Cache, channel layer and Celery broker of this process, all on the private Redis."""
    from config.celery import app

    settings.CACHES = {"default": {
        "BACKEND": "community.cache.FailSoftRedisCache", "LOCATION": f"{private_redis.url}/0",
        "KEY_PREFIX": "hearth", "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}}
    settings.CHANNEL_LAYERS = {"default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [{"address": f"{private_redis.url}/2", "socket_connect_timeout": 1}]}}}
    original = (app.conf.task_always_eager, app.conf.broker_url)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    app.conf.broker_url = f"{private_redis.url}/1"
    _reset_broker_pools(app)
    yield private_redis
    app.conf.task_always_eager, app.conf.broker_url = original
    _reset_broker_pools(app)


def _open_topic_socket(topic_id: int) -> tuple[bool, int | None]:
    from config.asgi import application

    async def attempt():
        communicator = WebsocketCommunicator(
            application, f"/ws/forum/t/{topic_id}/",
            headers=[(b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1")])
        connected, code = await communicator.connect(timeout=10)
        if connected:
            await communicator.disconnect()
        return connected, code

    return async_to_sync(attempt)()


def _queued_tasks(server: PrivateRedis) -> int:
    return redis.Redis.from_url(f"{server.url}/1").llen("celery")


def test_the_site_keeps_serving_and_saving_through_a_redis_outage_and_catches_up_after(
        client, stack_on_private_redis):
    server = stack_on_private_redis
    author, member = UserFactory(username="asker"), UserFactory(username="helper")
    topic = make_topic(author=author, category=CategoryFactory(slug="kitchen"))
    client.force_login(member)
    assert client.get(topic.get_absolute_url()).status_code == 200
    assert _open_topic_socket(topic.pk) == (True, None)

    server.stop()  # Redis goes away: cache, live layer and broker at once
    page = client.get(topic.get_absolute_url())
    assert page.status_code == 200 and topic.title in page.content.decode()
    reply = client.post(f"/forum/t/{topic.pk}/reply/", {"body": "Citric acid works, leave it an hour."})
    assert reply.status_code == 302  # saved; rate limits failed open
    assert Post.objects.filter(topic=topic, author=member, body__startswith="Citric acid").exists()
    owed = OutboxTask.objects.filter(completed_at__isnull=True)
    assert owed.filter(task_name="forum.tasks.notify_watchers").exists()
    # The reply's points wait in the engine's inbox (the drain task could not be sent).
    assert PendingEvent.objects.filter(op="record", args__kind="reply_created").exists()
    # The first refusal paused the broker, so the rest were not even tried. (That first send
    # may be the best-effort drain wake-up, which leaves no outbox row behind.)
    assert deferred._broker_paused()
    assert owed.exclude(last_error="").count() <= 1
    owed_count = owed.count()
    connected, code = _open_topic_socket(topic.pk)
    assert connected is False and code == 4013  # closed cleanly: "try again later"
    health = client.get("/healthz")
    assert health.status_code == 200  # still serving, degraded
    assert set(health.json()["degraded"]) == {"cache", "channel_layer", "task_broker"}

    server.start()  # Redis is back, empty (no persistence)
    OutboxTask.objects.update(created_at=F("created_at") - timedelta(hours=1),
                              dispatched_at=F("dispatched_at") - timedelta(hours=1))
    deferred.resume_broker()
    report = deferred.redispatch_owed()
    assert report == {"sent": owed_count, "failed": 0, "died": 0, "dead": 0}
    assert _queued_tasks(server) == owed_count  # every owed task waits in the broker for a worker
    assert _open_topic_socket(topic.pk) == (True, None)
    assert client.get("/healthz").json()["ok"] is True
    assert drain_events.apply(throw=True).result >= 1  # what beat's periodic drain does
    assert PointsEntry.objects.filter(user=member, reason="reply_created").count() == 1
    assert not PendingEvent.objects.exists()
