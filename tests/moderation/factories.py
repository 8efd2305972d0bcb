"""Helpers for moderation tests."""

from moderation.models import MemberTrust
from moderation.services.flags import flag_content
from tests.base_data import restore_base_data
from tests.factories import UserFactory


def at_level(user, level: int):
    """Give ``user`` a computed trust level (no override)."""
    MemberTrust.objects.update_or_create(user=user, defaults={"level": level, "earned_level": min(level, 2)})
    return user


def member_at(level: int, **fields):
    return at_level(UserFactory(**fields), level)


def flag_profile(target, *, by=None, reason: str = "spam", note: str = ""):
    flagger = by or UserFactory()
    return flag_content(flagger=flagger, obj=target, reason=reason, note=note)


def restore_migration_data() -> None:
    """Put back what migrations made, after a flush (see tests/base_data.py)."""
    restore_base_data()
