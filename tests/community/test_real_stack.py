"""The real stack: PostgreSQL, Redis as cache/channel layer/broker, and a Celery worker
process. These run (and must pass) in CI; locally they need DATABASE_URL and REDIS_URL."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection

from community.models import User
from community.tasks import repair_counters
from tests.factories import UserFactory

pytestmark = pytest.mark.stack
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_the_database_is_postgresql():
    assert connection.vendor == "postgresql"


@pytest.mark.django_db
def test_a_query_the_site_repeats_is_prepared_once_on_its_connection():
    """Server-side binding makes every run of a query the same statement; after
    HEARTH_DB_PREPARE_THRESHOLD runs psycopg prepares it and PostgreSQL stops planning it."""
    member = UserFactory()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        before = cursor.fetchone()[0]
    for _ in range(6):
        assert User.objects.filter(pk=member.pk, is_active=True).get() == member
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert len(prepared) > before
    assert any('FROM "community_user"' in sql and "$1" in sql for sql in prepared)


@pytest.mark.django_db
def test_healthz_sees_redis_as_channel_layer_and_task_broker(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    body = client.get("/healthz").json()
    assert body["ok"], body
    assert body["components"]["channel_layer"]["backend"] == "RedisChannelLayer"
    assert body["components"]["task_broker"]["mode"] == "celery"


def test_the_redis_channel_layer_delivers_group_messages():
    layer = get_channel_layer()

    async def round_trip():
        channel = await layer.new_channel()
        await layer.group_add("stack-test", channel)
        await layer.group_send("stack-test", {"type": "ping", "n": 7})
        message = await layer.receive(channel)
        await layer.group_discard("stack-test", channel)
        return message

    assert async_to_sync(round_trip)() == {"type": "ping", "n": 7}


@pytest.mark.django_db(transaction=True)
def test_a_celery_worker_process_runs_queued_tasks_against_the_database(settings):
    member = UserFactory()
    User.objects.filter(pk=member.pk).update(unread_notification_count=9)
    queue = f"hearth-test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": _url_of_test_database(),
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo",
         "-Q", queue, "--without-heartbeat", "--without-gossip", "--without-mingle",
         "--loglevel=WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        settings.CELERY_TASK_ALWAYS_EAGER = False
        from config.celery import app

        app.conf.task_always_eager = False
        repair_counters.apply_async(queue=queue)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if User.objects.get(pk=member.pk).unread_notification_count == 0:
                break
            time.sleep(0.25)
        assert User.objects.get(pk=member.pk).unread_notification_count == 0
    finally:
        app.conf.task_always_eager = True
        worker.terminate()
        try:
            output, _ = worker.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
    assert "Traceback" not in output, output


def _url_of_test_database() -> str:
    params = connection.settings_dict
    user = params.get("USER") or "postgres"
    host = params.get("HOST") or "127.0.0.1"
    port = params.get("PORT") or 5432
    return f"postgresql://{user}@{host}:{port}/{params['NAME']}"
