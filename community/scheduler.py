"""Runs the periodic jobs of CELERY_BEAT_SCHEDULE inside ``manage.py serve`` when there is no
broker (embedded mode), so deadlines and repairs happen there as they do under Celery beat.
"""

import logging
import threading
from datetime import datetime

from celery.schedules import maybe_schedule
from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

logger = logging.getLogger(__name__)


class EmbeddedScheduler(threading.Thread):
    def __init__(self, *, tick_seconds: float = 5.0):
        super().__init__(name="hearth-scheduler", daemon=True)
        self.tick_seconds = tick_seconds
        self.stopping = threading.Event()
        self.last_run: dict[str, datetime] = {}

    def due_entries(self):
        from celery import current_app as app

        for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
            schedule = maybe_schedule(entry["schedule"], app=app)
            # First pass: run once at start-up, as beat does with no stored state.
            last = self.last_run.get(name)
            if last is None or schedule.is_due(last).is_due:
                yield name, entry

    def run_due(self) -> list[str]:
        from celery import current_app as app

        ran = []
        for name, entry in self.due_entries():
            self.last_run[name] = timezone.now()
            close_old_connections()
            try:
                app.tasks[entry["task"]].apply(
                    args=entry.get("args", ()), kwargs=entry.get("kwargs", {})
                )
                ran.append(name)
            except Exception:
                logger.exception("periodic job %s failed", name)
            finally:
                close_old_connections()
        return ran

    def run(self) -> None:
        from celery import current_app as app

        # Beat only names tasks; make sure every app's tasks module is registered.
        app.loader.import_default_modules()
        while not self.stopping.is_set():
            self.run_due()
            self.stopping.wait(self.tick_seconds)

    def stop(self) -> None:
        self.stopping.set()


