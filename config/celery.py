"""The Celery app. Without REDIS_URL tasks run eagerly in-process (see settings.base)."""

import os

from celery import Celery
from celery.signals import task_success

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

app = Celery("hearth")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_success.connect
def _mark_outbox_task_completed(sender=None, **_kwargs) -> None:
    """A task sent through the outbox ran to the end in a worker: nothing more is owed.
    (In-process runs are recorded by community.deferred.dispatch itself.)"""
    request = getattr(sender, "request", None)
    if request is None or request.is_eager:
        return
    row_id = getattr(request, "hearth_outbox_id", None) or (request.headers or {}).get("hearth_outbox_id")
    if row_id:
        from community.deferred import mark_completed

        mark_completed(int(row_id))
