"""What the live queue is told, after commit (through ``community.realtime``)."""

from community.realtime import send_to_group_on_commit

QUEUE_GROUP = "moderation.queue"

ADDED = "added"        # a new pending item
UPDATED = "updated"    # a new flag, a new score, an automatic hide, an edit or extra action
RESOLVED = "resolved"  # restored, dismissed, hidden or deleted by a manager


def announce_queue_change(*, item_id: int, change: str) -> None:
    send_to_group_on_commit(QUEUE_GROUP, {"type": "queue.changed", "item_id": item_id, "change": change})
