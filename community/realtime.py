"""The one place that talks to the channel layer.

Every send happens after commit, so a reader is never told about a row it cannot load yet,
and a rolled-back write is never announced. A channel layer that is down loses the live
update only: pages still show the truth on the next load.

A channel layer that hangs costs a write at most ``SEND_BUDGET`` seconds: the send is
abandoned then and, for ``unavailable.pause`` seconds, live updates are not tried at all.
(One that is down refuses at once and is tried again on every send.)
"""

import asyncio
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from community.breaker import Breaker
from community.cache import TIMED_OUT

logger = logging.getLogger(__name__)

# Seconds a request may spend on one trip to the channel layer (a batch is one trip, with a
# little more time per update it carries).
SEND_BUDGET = 0.5
SEND_BUDGET_PER_UPDATE = 0.01
unavailable = Breaker(pause=5.0)


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def push_to_member_on_commit(user_id: int, payload: dict) -> None:
    """Send ``payload`` (JSON with a ``type`` the page's script knows) to every open page of
    member ``user_id`` once the current transaction commits."""
    send_to_group_on_commit(user_group(user_id), {"type": "member.event", "payload": payload})


# Catch-ups: what a member's page missed before its socket opened (the write behind a form
# lands while the browser follows the redirect). An app registers a function
# ``(user_id, after) -> payload or None``; the page asks by name with the last event id it
# saw (``None`` on a tab's first page: the answer then only sets its cursor).
_CATCH_UPS: dict = {}


def register_catch_up(name: str, catch_up) -> None:
    _CATCH_UPS[name] = catch_up


def catch_up(name: str, *, user_id: int, after: int | None) -> dict | None:
    """The registered catch-up ``name`` for the member, or None for an unknown name."""
    handler = _CATCH_UPS.get(name)
    return handler(user_id, after) if handler is not None else None


def send_to_group_on_commit(group: str, event: dict) -> None:
    """Send ``event`` (a dict with a ``type`` naming the consumer handler) to ``group``
    once the current transaction commits."""

    def send() -> None:
        send_now(group, event)

    transaction.on_commit(send, robust=True)


def send_now(group: str, event: dict) -> None:
    send_many_now([(group, event)])


def send_many_now(messages: list[tuple[str, dict]]) -> None:
    """Send each (group, event) in one trip to the event loop: a batch job pushing a hundred
    updates pays for one thread hop, not a hundred."""
    layer = get_channel_layer()
    if layer is None or not messages or unavailable.is_open():
        return

    async def send_all() -> None:
        for group, event in messages:
            try:
                await layer.group_send(group, event)
            except asyncio.CancelledError:
                raise
            except Exception:  # one failed push must not stop the others
                logger.warning("realtime send to %s failed", group, exc_info=True)

    async def send_all_in_budget() -> None:
        await asyncio.wait_for(send_all(), timeout=SEND_BUDGET + SEND_BUDGET_PER_UPDATE * len(messages))

    try:
        async_to_sync(send_all_in_budget)()
    except Exception as error:  # the live update is a nicety; the write has already committed
        if isinstance(error, TIMED_OUT):  # hangs (a layer that is down refuses at once)
            unavailable.trip()
        logger.warning("realtime send of %s updates failed; live updates paused for %ss",
                       len(messages), unavailable.pause, exc_info=True)
