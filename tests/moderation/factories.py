"""Helpers for moderation tests."""

from moderation.models import MemberTrust
from moderation.services.flags import flag_content
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
    """Tests that flush the database (transactional and browser tests) also lose what data
    migrations made: Wagtail's default locale and the role groups. Put them back."""
    import importlib

    from django.apps import apps
    from django.conf import settings
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Locale

    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE.split("-")[0])
    admin_type, _ = ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")
    Permission.objects.get_or_create(content_type=admin_type, codename="access_admin",
                                     defaults={"name": "Can access Wagtail admin"})
    importlib.import_module("community.migrations.0003_create_role_groups").create_role_groups(apps, None)
