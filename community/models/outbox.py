from django.db import models
from django.db.models import Q


class OutboxTask(models.Model):
    """Work a committed write owes: one Celery task call, written in the same transaction as
    the write (``community.deferred.enqueue_on_commit``), handed to Celery after commit and
    marked done when the task has run. Rows the broker never received, or whose run never
    finished, are sent again by ``community.tasks.dispatch_outbox``, up to
    HEARTH_OUTBOX_MAX_ATTEMPTS times; then the row is marked dead: kept (never deleted),
    counted on the moderation dashboard, and sent again only when staff re-queue it
    (``manage.py retry_outbox``)."""

    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    # Last time the task was handed to the broker (or run, in embedded mode).
    dispatched_at = models.DateTimeField(null=True, blank=True)
    # The task ran to the end: nothing more is owed.
    completed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    # Every attempt was used and the last one never completed: no longer sent by the sweep.
    dead_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # The sweep only ever reads the rows still owed.
            models.Index(
                fields=["created_at"], condition=Q(completed_at__isnull=True, dead_at__isnull=True),
                name="outbox_owed_idx",
            ),
            # The dashboard counts the dead rows on every view: a few rows, never a table scan.
            models.Index(fields=["dead_at"], condition=Q(dead_at__isnull=False), name="outbox_dead_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.task_name}{tuple(self.args)}"
