"""A Celery worker is killed in the middle of a task, after part of the task's effect is
committed: the task runs again and its effect is applied exactly once (nothing lost, nothing
doubled).

Real worker processes (tests/reliability/worker.py) run against a private redis-server and
the test database, with the production task options (acks_late, reject_on_worker_lost). The
task is ``forum.tasks.notify_watchers``, which a reply on a topic with three watchers sends
through the outbox; the worker is stopped right after the first watcher's notification is saved.

* the pool process running the task dies (the kernel's OOM killer, say): the worker rejects
  the task back onto the queue (reject_on_worker_lost) and its next pool process runs it;
* the whole worker dies: its unacknowledged task stays with the broker, and the outbox sweep
  sends it again once the redispatch lease has run out; a new worker runs it."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.db.models import F

from community import deferred
from community.models import Notification, OutboxTask, User
from forum.models import Post, TopicSubscription
from tests.factories import UserFactory
from tests.forum.factories import CategoryFactory, make_reply, make_topic
from tests.reliability.conftest import _reset_broker_pools
from tests.reliability.faults import PrivateRedis

pytestmark = [pytest.mark.stack, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("moderation_relaxed")]

WAIT = 25.0  # seconds a worker may take to start and reach the task


@pytest.fixture
def broker(settings, tmp_path):
    """This process sends tasks to a private Redis, as the web processes do."""
    from config.celery import app

    server = PrivateRedis()
    server.start()
    original = (app.conf.task_always_eager, app.conf.broker_url)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    app.conf.broker_url = f"{server.url}/1"
    _reset_broker_pools(app)
    yield server
    app.conf.task_always_eager, app.conf.broker_url = original
    _reset_broker_pools(app)
    server.stop()


class Workers:
    def __init__(self, server: PrivateRedis, hold_marker):
        self.server, self.hold_marker = server, hold_marker
        self.processes: list[subprocess.Popen] = []

    def start(self, name: str) -> subprocess.Popen:
        test_database = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + connection.settings_dict["NAME"]
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test",
               "DATABASE_URL": test_database, "REDIS_URL": f"{self.server.url}/1",
               "HEARTH_HOLD_MARKER": str(self.hold_marker)}
        process = subprocess.Popen([sys.executable, "-m", "tests.reliability.worker", name],
                                   cwd=django_settings.BASE_DIR, env=env, start_new_session=True,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.processes.append(process)
        return process

    def kill(self, process: subprocess.Popen) -> None:
        """SIGKILL the worker and its pool processes: no warm shutdown, no acknowledgement."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                self.kill(process)


@pytest.fixture
def workers(broker, tmp_path):
    pool = Workers(broker, tmp_path / "held")
    yield pool
    pool.stop_all()


def _wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, f"waited {WAIT}s for {what}"
        time.sleep(0.2)


def _reply_with_three_watchers() -> tuple[Post, list[User]]:
    author = UserFactory(username="asker")
    topic = make_topic(author=author, category=CategoryFactory(slug="kitchen"))
    watchers = [UserFactory(username=f"watcher{n}") for n in range(3)]
    for watcher in watchers:
        TopicSubscription.objects.create(topic=topic, user=watcher)
    return make_reply(topic, author=author, body="Descaled, thanks all."), watchers


def _outbox_row() -> OutboxTask:
    row = OutboxTask.objects.get(task_name="forum.tasks.notify_watchers")
    assert row.dispatched_at is not None  # the reply handed it to the broker after commit
    return row


def _notified(post: Post) -> int:
    return Notification.objects.filter(dedupe_key=f"forum.reply:{post.pk}").count()


def _assert_applied_exactly_once(post: Post, watchers: list[User], row: OutboxTask) -> None:
    for watcher in watchers:
        notifications = Notification.objects.filter(recipient=watcher, dedupe_key=f"forum.reply:{post.pk}")
        assert notifications.count() == 1
        watcher.refresh_from_db()
        assert watcher.unread_notification_count == 1  # the counter moved once too
    row.refresh_from_db()
    assert row.completed_at is not None


def test_a_task_whose_pool_process_is_killed_runs_again_and_applies_its_effect_once(workers):
    worker = workers.start("first")
    post, watchers = _reply_with_three_watchers()
    row = _outbox_row()
    _wait_for(workers.hold_marker.exists, "the task to start")
    assert _notified(post) == 1  # part of the effect is committed

    os.kill(int(workers.hold_marker.read_text()), signal.SIGKILL)  # the pool process only
    _wait_for(lambda: OutboxTask.objects.filter(pk=row.pk, completed_at__isnull=False).exists(),
              "the task to run again and complete")
    assert worker.poll() is None  # the worker itself lived on
    _assert_applied_exactly_once(post, watchers, row)
    print(f"\npool process killed mid-task: ran again, {_notified(post)} of 3 notified once each, "
          f"lost 0, doubled 0")


def test_a_task_whose_worker_is_killed_is_sent_again_by_the_outbox_and_applies_its_effect_once(workers):
    first = workers.start("first")
    post, watchers = _reply_with_three_watchers()
    row = _outbox_row()
    _wait_for(workers.hold_marker.exists, "the task to start")
    assert _notified(post) == 1

    workers.kill(first)  # the whole worker: the task is neither acknowledged nor rejected
    workers.start("second")
    # The sweep sends again what was dispatched and never completed once the lease ran out.
    OutboxTask.objects.filter(pk=row.pk).update(dispatched_at=F("dispatched_at") - timedelta(hours=1))
    assert deferred.redispatch_owed()["sent"] == 1
    _wait_for(lambda: OutboxTask.objects.filter(pk=row.pk, completed_at__isnull=False).exists(),
              "the task sent again to complete")
    _assert_applied_exactly_once(post, watchers, row)
    row.refresh_from_db()
    assert row.attempts == 2
    print(f"\nworker killed mid-task: sent again by the outbox, {_notified(post)} of 3 notified once "
          f"each, lost 0, doubled 0")
