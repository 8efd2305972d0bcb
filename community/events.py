"""Domain events: the one way an app tells the others what happened.

A service calls ``send_on_commit(signal, **payload)`` inside the transaction of its write
(payloads are ids). An event has two kinds of listener:

- Recorders (``record_with``) run at once, inside that transaction, and only write the rows
  the event owes: outbox rows (``community.deferred.enqueue_on_commit``) and the points
  engine's inbox. They commit with the write or roll back with it, so a process that dies
  right after the commit has lost nothing the write owed. A recorder announces nothing; if
  one fails, the write fails with it (a write and what it owes are one transaction).
- Receivers (``signal.connect``, as usual) run after commit, so nothing is announced before
  it is committed. The failure rule: each receiver runs once; one that raises is logged once
  (with its traceback, by ``Signal.send_robust``) and the others still run. A failing
  receiver never turns the committed write into an error.

Outside a transaction (autocommit) both happen at once, recorders first.
"""

from collections.abc import Callable

from django.db import transaction
from django.dispatch import Signal

# signal -> {uid: recorder}; a uid makes connecting twice (tests re-run ready()) harmless.
_recorders: dict[Signal, dict[str, Callable]] = {}


def record_with(signal: Signal, recorder: Callable, *, uid: str) -> None:
    """Call ``recorder(sender=..., **payload)`` inside the transaction of every
    ``send_on_commit(signal, ...)``. It must only write rows (outbox, inbox), by id."""
    _recorders.setdefault(signal, {})[uid] = recorder


def disconnect_recorder(signal: Signal, *, uid: str) -> None:
    _recorders.get(signal, {}).pop(uid, None)


def send_on_commit(signal: Signal, *, sender=None, **payload) -> None:
    """Record ``signal`` now, in the caller's transaction, and announce it to its receivers
    once that transaction commits (nothing is announced if it rolls back)."""
    for recorder in list(_recorders.get(signal, {}).values()):
        recorder(sender=sender, **payload)
    transaction.on_commit(lambda: signal.send_robust(sender=sender, **payload), robust=True)
