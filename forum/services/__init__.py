"""Writes for the forum. Each service checks permission and validity (forum.rules), writes
inside one transaction, and announces its effects only after commit: the domain signal
(forum.signals), the live event to readers of the topic, and Celery tasks for notifications.

Counters move with F() under a lock on the topic row; rare operations that can change many
counters at once (delete, hide) rebuild the topic's and category's counters from source rows
instead of adjusting them, so they cannot drift.

Callers import from this package (``from forum import services``); the modules below it are
split by concern: posts (opening, replying, editing), removal (delete, hide), reactions
(likes, accepted answers), reading (watching, read positions) and topics (lock, pin, move).
"""

from forum.counters import recompute_forum_counters
from forum.services._common import access_group, render_body, topic_group
from forum.services.posts import UNCHANGED, apply_edit, edit_post, post_reply, start_topic
from forum.services.reactions import accept_answer, like_post, unaccept_answer, unlike_post
from forum.services.reading import (
    mark_topic_read,
    note_page_read,
    note_reading,
    note_visit,
    readable_words,
    watch_topic,
)
from forum.services.removal import apply_hidden, apply_soft_delete, delete_post, hide_post, unhide_post
from forum.services.topics import category_changed, lock_topic, move_topic, pin_topic, set_topic_flag

__all__ = [
    "UNCHANGED", "accept_answer", "access_group", "apply_edit", "apply_hidden", "apply_soft_delete",
    "category_changed", "delete_post", "edit_post",
    "hide_post", "like_post", "lock_topic", "mark_topic_read", "move_topic", "note_page_read",
    "note_reading", "note_visit", "pin_topic", "post_reply", "readable_words",
    "recompute_forum_counters", "render_body", "set_topic_flag", "start_topic", "topic_group",
    "unaccept_answer", "unhide_post", "unlike_post", "watch_topic",
]
