"""What the forum hears from outside: a member leaving a group (an early-access period
ending, a manager editing groups) closes their live sockets on members-only topics that are
no longer open to them (``forum.consumers.TopicConsumer.forum_access_changed``).

Pages need nothing: the reader's groups are read afresh on every request
(``community.roles.viewer_group_ids``), and no cache holds a page rendered for a reader of a
members-only category that another reader could be served (``forum.visibility``).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed

from community.realtime import send_to_group_on_commit
from forum.services import access_group

EVENT = {"type": "forum.access_changed"}


def on_groups_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if action not in ("post_remove", "post_clear", "pre_clear"):
        return
    if not reverse:  # user.groups.remove(...) / clear(): ``instance`` is the member
        if action == "pre_clear":
            return
        member_ids = [instance.pk]
    elif action == "pre_clear":  # group.user_set.clear(): remember who was in it
        instance._hearth_cleared_members = list(instance.user_set.values_list("pk", flat=True))
        return
    elif action == "post_clear":
        member_ids = getattr(instance, "_hearth_cleared_members", [])
    else:  # group.user_set.remove(...)
        member_ids = list(pk_set or ())
    for member_id in member_ids:
        send_to_group_on_commit(access_group(member_id), dict(EVENT))


def connect() -> None:
    m2m_changed.connect(on_groups_changed, sender=get_user_model().groups.through,
                        dispatch_uid="forum.groups_changed")
