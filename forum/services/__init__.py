"""Writes for the forum. Each service checks permission and validity (forum.rules), writes
inside one transaction, and announces its effects only after commit: the domain signal
(forum.signals), the live event to readers of the topic, and Celery tasks for notifications.

Callers import from this package (``from forum import services``); the modules below it are
split by concern."""

from forum.services.posts import (
    accept_answer,
    apply_edit,
    apply_hidden,
    apply_soft_delete,
    delete_post,
    edit_post,
    hide_post,
    like_post,
    lock_topic,
    mark_topic_read,
    move_topic,
    note_reading,
    note_visit,
    pin_topic,
    post_reply,
    recompute_forum_counters,
    set_topic_flag,
    start_topic,
    topic_group,
    unaccept_answer,
    unhide_post,
    unlike_post,
    watch_topic,
)

__all__ = [
    "accept_answer", "apply_edit", "apply_hidden", "apply_soft_delete", "delete_post", "edit_post",
    "hide_post", "like_post", "lock_topic", "mark_topic_read", "move_topic", "note_reading",
    "note_visit", "pin_topic", "post_reply",
    "recompute_forum_counters", "set_topic_flag", "start_topic", "topic_group", "unaccept_answer",
    "unhide_post", "unlike_post", "watch_topic",
]
