"""The one place that talks to the channel layer.

Every send happens after commit, so a reader is never told about a row it cannot load yet,
and a rolled-back write is never announced. A channel layer that is down loses the live
update only: pages still show the truth on the next load.
"""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def send_to_group_on_commit(group: str, event: dict) -> None:
    """Send ``event`` (a dict with a ``type`` naming the consumer handler) to ``group``
    once the current transaction commits."""

    def send() -> None:
        send_now(group, event)

    transaction.on_commit(send, robust=True)


def send_now(group: str, event: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, event)
    except Exception:  # the live update is a nicety; the write has already committed
        logger.warning("realtime send to %s failed", group, exc_info=True)


def send_many_now(messages: list[tuple[str, dict]]) -> None:
    """Send each (group, event) in one trip to the event loop: a batch job pushing a hundred
    updates pays for one thread hop, not a hundred."""
    layer = get_channel_layer()
    if layer is None or not messages:
        return

    async def send_all() -> None:
        for group, event in messages:
            try:
                await layer.group_send(group, event)
            except Exception:  # one failed push must not stop the others
                logger.warning("realtime send to %s failed", group, exc_info=True)

    try:
        async_to_sync(send_all)()
    except Exception:
        logger.warning("realtime batch send failed", exc_info=True)
