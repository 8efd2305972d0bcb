"""A real Celery worker for the fault tests (``python -m tests.reliability.worker NAME``): Hearth's
app and settings, pointed by the environment at the test database and a private Redis.

While ``HEARTH_HOLD_MARKER`` names a file that does not exist yet, the first notification a
task sends is saved and then the task stops there: the worker process writes its id into the
marker and waits, so the test can kill it in the middle of the task, after part of the task's
effect is committed."""

import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from config.celery import app  # noqa: E402
from forum import tasks as forum_tasks  # noqa: E402

HOLD_MARKER = os.environ.get("HEARTH_HOLD_MARKER", "")
_notify = forum_tasks.notify


def _notify_then_hold(**kwargs):
    notification = _notify(**kwargs)
    if HOLD_MARKER and not os.path.exists(HOLD_MARKER):
        with open(HOLD_MARKER, "w") as marker:
            marker.write(str(os.getpid()))
        while True:  # until killed
            time.sleep(1)
    return notification


forum_tasks.notify = _notify_then_hold

if __name__ == "__main__":
    app.conf.task_always_eager = False
    app.worker_main(["worker", "--pool=prefork", "--concurrency=1", "--loglevel=WARNING",
                     "--without-heartbeat", "--without-gossip", "--without-mingle",
                     "-n", f"{sys.argv[1]}@%h"])
