"""Rows the migrations create that the code relies on (Wagtail's default locale, the role
groups, the site tree, app defaults). A transactional test flushes every table when it ends,
and serialized rollback does not survive the in-process browser server, so the suite puts
these rows back before any database test that finds them missing."""

import importlib

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Collection, Locale

from community.roles import BRAND_STAFF, COMMUNITY_MANAGERS
from community.site_tree import ensure_site_tree


def _app_defaults():
    from tests.badges.conftest import restore_badge_defaults
    from tests.ideas.factories import ensure_default_ladder

    return [ensure_default_ladder, restore_badge_defaults]


# What the migrations granted each group, read from the freshly migrated database before any
# test flushes it (remember_group_grants), so a restore puts back every grant, not a list.
_group_grants: list[tuple[str, str, str, str, str]] = []


def remember_group_grants() -> None:
    if _group_grants:
        return
    _group_grants.extend(Group.permissions.through.objects.values_list(
        "group__name", "permission__content_type__app_label", "permission__content_type__model",
        "permission__codename", "permission__name"))


def _restore_group_grants() -> None:
    for group_name, app_label, model, codename, name in _group_grants:
        content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name})
        Group.objects.get_or_create(name=group_name)[0].permissions.add(permission)


def base_data_missing() -> bool:
    return (Group.objects.filter(name__in=[COMMUNITY_MANAGERS, BRAND_STAFF]).count() < 2
            or not Collection.objects.exists())


def restore_base_data() -> None:
    Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    # Wagtail's admin-access permission belongs to no model, so the flush's post_migrate
    # does not recreate it; the role groups need it.
    admin_type, _ = ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")
    Permission.objects.get_or_create(content_type=admin_type, codename="access_admin",
                                     defaults={"name": "Can access Wagtail admin"})
    roles = importlib.import_module("community.migrations.0003_create_role_groups")
    roles.create_role_groups(apps, None)
    # Later migrations give the groups more (the forum's category screens to managers).
    forum = importlib.import_module("forum.migrations.0002_community_managers_manage_categories")
    Group.objects.get(name=COMMUNITY_MANAGERS).permissions.add(*Permission.objects.filter(
        content_type__app_label="forum", codename__in=forum.CODENAMES))
    # ... and the rewards catalogue's screens to both role groups.
    rewards = importlib.import_module("rewards.migrations.0002_staff_edit_the_catalogue")
    for group in Group.objects.filter(name__in=rewards.GROUPS):
        group.permissions.add(*Permission.objects.filter(
            content_type__app_label="rewards", codename__in=rewards.CODENAMES))
    # Images and documents belong to a collection: Wagtail's migrations make the root one.
    if not Collection.objects.exists():
        Collection.add_root(name="Root")
    _restore_group_grants()
    ensure_site_tree()
    for ensure in _app_defaults():
        ensure()
