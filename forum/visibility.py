"""Who may see forum content: one rule per content type, written once as a filter.

Querysets use it (``Topic.objects.visible_to``, ``Post.objects.visible_to`` and
``readable``: the pages, search, the topic websocket, notification tasks) and the per-object
checks answer from the same rule (``forum.rules.can_see_topic``/``can_see_post`` through
``community.predicates.matches``). ``path`` reaches the content through a relation
(``"topic__"`` for a post's topic).

Members-only categories (``Category.members_group``) are part of the rule: such a category,
its topics and their posts exist only for members of its group, community managers, brand
staff and staff accounts (``category_open_q``); everyone else gets what a missing page gets.
Membership is read once per request with the reader's roles (``community.roles``), so a
member who leaves the group (an early-access period ending) is shut out on their next request.
"""

from __future__ import annotations

from django.db.models import Q

from community.roles import is_community_manager, is_staff_member, viewer_group_ids


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated)


def category_open_q(user, path: str = "") -> Q:
    """Categories ``user`` may enter: every open one (no ``members_group``); members-only ones
    whose group they belong to; all of them for staff (``community.roles.is_staff_member``).
    Written with ``exact``/``isnull`` lookups only, so ``category_open_to`` answers it for a
    category in hand without a query."""
    if is_staff_member(user):
        return Q()
    rule = Q(**{f"{path}members_group_id__isnull": True})
    for group_id in sorted(viewer_group_ids(user)):
        rule |= Q(**{f"{path}members_group_id": group_id})
    return rule


def category_open_to(user, category) -> bool:
    """Whether ``user`` may see ``category`` and anything in it (``category_open_q``)."""
    from community.predicates import matches

    return matches(category, category_open_q(user))


def topic_visible_to(user, path: str = "") -> Q:
    """Topics ``user`` may open: live ones; a hidden one (its opening post hidden) also to its
    author; every topic, deleted ones included, to community managers; and, whoever reads,
    only in a category open to them (``category_open_q``)."""
    open_here = category_open_q(user, f"{path}category__")
    if is_community_manager(user):
        return open_here
    live = Q(**{f"{path}deleted_at__isnull": True, f"{path}is_hidden": False})
    if not _signed_in(user):
        return live & open_here
    own_hidden = Q(**{f"{path}deleted_at__isnull": True, f"{path}is_hidden": True,
                      f"{path}author_id": user.pk})
    return (live | own_hidden) & open_here


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
    """Topics anyone may read: those a visitor who is not signed in sees (so none in a
    members-only category)."""
    return topic_visible_to(None, path)


def topic_live(path: str = "") -> Q:
    """Topics that are neither hidden nor deleted, in any category: what may be shown to a
    reader the category is open to (``category_open_q``), such as a notification's
    recipient."""
    return Q(**{f"{path}deleted_at__isnull": True, f"{path}is_hidden": False})


def post_live(path: str = "") -> Q:
    """Posts neither hidden nor deleted in a live topic, in any category (``topic_live``)."""
    return topic_live(f"{path}topic__") & Q(**{f"{path}is_hidden": False,
                                               f"{path}deleted_at__isnull": True})


def post_readable(path: str = "") -> Q:
    """Posts whose text anyone may read (search, notifications): seen by a visitor who is not
    signed in, and not deleted."""
    return post_visible_to(None, path) & Q(**{f"{path}deleted_at__isnull": True})


def readers_q(category) -> Q:
    """Members (a filter of ``User``) to whom ``category`` is open: everyone for an open
    category; for a members-only one its group's members and staff (``category_open_q``, for
    many members at once: whom a notification may name the topic to)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from django.db.models import Exists, OuterRef

    from community.roles import MODERATE, REPLY_AS_BRAND

    if category.members_group_id is None:
        return Q()
    user_model = get_user_model()
    memberships = user_model.groups.through.objects
    role_perms = Q()
    for perm in (MODERATE, REPLY_AS_BRAND):
        app_label, codename = perm.split(".")
        role_perms |= Q(content_type__app_label=app_label, codename=codename)
    perms = Permission.objects.filter(role_perms)
    return (Q(is_superuser=True) | Q(is_staff=True)
            | Q(Exists(memberships.filter(user_id=OuterRef("pk"), group_id=category.members_group_id)))
            | Q(Exists(memberships.filter(user_id=OuterRef("pk"), group__permissions__in=perms)))
            | Q(Exists(user_model.user_permissions.through.objects.filter(
                user_id=OuterRef("pk"), permission__in=perms))))
