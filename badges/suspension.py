"""Whether a member is suspended, for the engine and the leaderboards.

Moderation owns suspensions. Until it is installed this answers from what badges knows:
an inactive account, a ``user.is_suspended`` attribute if the user model grows one, and
``UserPoints.suspended_until`` (set from moderation's ``user_suspended`` signal). A project
can plug in its own check with ``HEARTH_BADGES_SUSPENSION_CHECK`` (dotted path to
``fn(user) -> bool``).
"""

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string


def is_suspended(user, *, suspended_until=None) -> bool:
    if not user.is_active or getattr(user, "is_suspended", False) is True:
        return True
    if suspended_until is not None and suspended_until > timezone.now():
        return True
    hook = getattr(settings, "HEARTH_BADGES_SUSPENSION_CHECK", "")
    return bool(hook and import_string(hook)(user))


def listed_on_boards(user_path: str = "user__") -> Q:
    """Rows whose member (reached through ``user_path``) may appear on the leaderboards."""
    now = timezone.now()
    until = f"{user_path}points__suspended_until"
    return Q(**{f"{user_path}is_active": True}) & (
        Q(**{f"{until}__isnull": True}) | Q(**{f"{until}__lte": now})
    )
