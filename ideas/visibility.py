"""Who may see an idea or an idea comment: one rule per content type, written once as a filter.

Querysets use it (``Idea.objects.visible_to``/``readable``, ``IdeaComment.objects.visible_to``:
the list and idea pages, similar-idea suggestions, the live socket) and the per-object checks
answer from the same rule (``ideas.rules.can_view``, the moderation adapters) through
``community.predicates.matches``. ``path`` reaches the content through a relation
(``"idea__"`` for a comment's idea).
"""

from __future__ import annotations

from django.db.models import Q

from community.roles import is_brand_staff, is_community_manager


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated)


def idea_visible_to(user, path: str = "") -> Q:
    """Published ideas are public; the others only to their creator and staff (brand staff,
    community managers). Moderation comes first: a hidden idea (or one held for approval) is
    seen only by its creator and community managers, a deleted one only by community managers."""
    if is_community_manager(user):
        return Q()
    shown = Q(**{f"{path}hidden_at__isnull": True})
    if not is_brand_staff(user):
        shown &= Q(**{f"{path}published_at__isnull": False})
    if _signed_in(user):
        shown |= Q(**{f"{path}creator_id": user.pk})
    return Q(**{f"{path}deleted_at__isnull": True}) & shown


def idea_readable(path: str = "") -> Q:
    """Ideas anyone may read: those a visitor who is not signed in sees."""
    return idea_visible_to(None, path)


def comment_visible_to(user, path: str = "") -> Q:
    """Comments ``user`` may see: on an idea they may see, never once deleted, and when hidden
    (or held for approval) only by their author and community managers."""
    on_visible_idea = idea_visible_to(user, f"{path}idea__") & Q(**{f"{path}deleted_at__isnull": True})
    if is_community_manager(user):
        return on_visible_idea
    shown = Q(**{f"{path}hidden_at__isnull": True})
    if _signed_in(user):
        shown |= Q(**{f"{path}author_id": user.pk})
    return on_visible_idea & shown
