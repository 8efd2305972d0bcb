"""Who may see forum content: one rule per content type, written once as a filter.

Querysets use it (``Topic.objects.visible_to``, ``Post.objects.visible_to`` and
``readable``: the pages, search, the topic websocket, notification tasks) and the per-object
checks answer from the same rule (``forum.rules.can_see_topic``/``can_see_post`` through
``community.predicates.matches``). ``path`` reaches the content through a relation
(``"topic__"`` for a post's topic).
"""

from __future__ import annotations

from django.db.models import Q

from community.roles import is_community_manager


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated)


def topic_visible_to(user, path: str = "") -> Q:
    """Topics ``user`` may open: live ones; a hidden one (its opening post hidden) also to its
    author; every topic, deleted ones included, to community managers."""
    if is_community_manager(user):
        return Q()
    live = Q(**{f"{path}deleted_at__isnull": True, f"{path}is_hidden": False})
    if not _signed_in(user):
        return live
    own_hidden = Q(**{f"{path}deleted_at__isnull": True, f"{path}is_hidden": True,
                      f"{path}author_id": user.pk})
    return live | own_hidden


def post_visible_to(user, path: str = "") -> Q:
    """Posts ``user`` may see: in a topic they may open, and when hidden only to community
    managers and the post's author. Deleted posts stay: the page shows a placeholder in their
    place (their body is never rendered; see ``post.html`` and ``Post.is_deleted``)."""
    if is_community_manager(user):
        return Q()
    shown = Q(**{f"{path}is_hidden": False})
    if _signed_in(user):
        shown |= Q(**{f"{path}author_id": user.pk})
    return topic_visible_to(user, f"{path}topic__") & shown


def topic_readable(path: str = "") -> Q:
    """Topics anyone may read (search results): those a visitor who is not signed in sees."""
    return topic_visible_to(None, path)


def post_readable(path: str = "") -> Q:
    """Posts whose text anyone may read (search, notifications): seen by a visitor who is not
    signed in, and not deleted."""
    return post_visible_to(None, path) & Q(**{f"{path}deleted_at__isnull": True})
