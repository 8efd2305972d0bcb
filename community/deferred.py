"""Side effects after commit: the one helper that hands work to Celery.

Nothing is enqueued before the transaction that owes it commits; if it rolls back, nothing
runs. Without a broker (embedded mode) Celery runs the task in-process at that moment.
"""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(task, *args, **kwargs) -> None:
    def send() -> None:
        task.delay(*args, **kwargs)

    # robust: a failing side effect is logged; it never turns a committed write into an error.
    transaction.on_commit(send, robust=True)
