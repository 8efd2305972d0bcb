"""What rewards listens to. ``level_changed`` is recorded in the transaction that raised the
member's level (``community.events.record_with``): the outbox row that issues the level's
entry reward commits with the new level, and the task runs after commit, by id."""

from badges import signals as badges_signals
from community.deferred import enqueue_on_commit
from community.events import record_with


def on_level_changed(*, user_id, new_level_id, raised=True, **_):
    from rewards import tasks

    # A drop (spend ageing out of its 12 months) issues nothing, and re-reaching a level
    # later finds its entry reward issued already (keyed per member and level).
    if user_id and new_level_id and raised:
        enqueue_on_commit(tasks.issue_level_reward, user_id, new_level_id)


def connect() -> None:
    record_with(badges_signals.level_changed, on_level_changed, uid="rewards.level_entry_reward")
