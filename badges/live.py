"""Live points: every change to a member's ledger reaches their open pages after commit
(a toast such as "+2 points: Replied in a topic", and the balances on the page), and a page
that opens just after the change (the one a form redirected to) catches up on what it
missed when its socket opens.

Each event carries the entries' ids; a page keeps the last id it showed (per tab), so an
entry is shown once whether it arrives live or by catch-up."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from badges.models import PointsEntry
from badges.selectors import balances_of, entry_labels, own_entry_label
from community.realtime import register_catch_up, send_many_now, user_group

EVENT = "points.changed"
CATCH_UP = "points"
# A page catches up on changes at most this old: enough for a redirect, never a backlog.
CATCH_UP_WINDOW = datetime.timedelta(minutes=2)
CATCH_UP_LIMIT = 5


def _payload(user_id: int, entries: list[PointsEntry], labels: dict[str, str],
             last: int | None) -> dict:
    balances = balances_of(user_id)
    return {
        "type": EVENT,
        "entries": [{"id": entry.pk, "points": entry.points,
                     "label": own_entry_label(entry, labels)} for entry in entries],
        "last": last,
        "lifetime": balances.lifetime,
        "spendable": balances.spendable,
    }


def entries_applied(entries: list[PointsEntry]) -> None:
    """Owe the live update of ``entries`` (just inserted by the engine) to their members,
    after commit. A batch of many members is sent in one trip to the channel layer."""
    if not entries:
        return
    by_member: dict[int, list[PointsEntry]] = defaultdict(list)
    for entry in entries:
        by_member[entry.user_id].append(entry)

    def push() -> None:
        labels = entry_labels()
        send_many_now([
            (user_group(user_id), {"type": "member.event", "payload": _payload(
                user_id, own, labels, max(entry.pk for entry in own))})
            for user_id, own in by_member.items()])

    transaction.on_commit(push, robust=True)


def catch_up(user_id: int, after: int | None) -> dict:
    """What a page opening now missed since entry ``after`` (recent entries only), or, for a
    tab's first page (``after`` None), just the cursor to start from."""
    ledger = PointsEntry.objects.filter(user_id=user_id)
    last = ledger.order_by("-pk").values_list("pk", flat=True).first() or 0
    missed: list[PointsEntry] = []
    if after is not None and last > after:
        recent = timezone.now() - CATCH_UP_WINDOW
        missed = list(ledger.filter(pk__gt=after, created_at__gte=recent)
                      .order_by("pk")[:CATCH_UP_LIMIT])
    return _payload(user_id, missed, entry_labels() if missed else {}, last)


def register() -> None:
    register_catch_up(CATCH_UP, catch_up)

