"""Roles are Django groups (created by a data migration) that carry permissions.

Code checks permissions (``user.has_perm(MODERATE)``); the groups give people a visible
label. Superusers hold every permission and are labelled as community managers.
"""

COMMUNITY_MANAGERS = "Community managers"
BRAND_STAFF = "Brand staff"

# Permissions declared on community.User's Meta and granted to the role groups.
MODERATE = "community.moderate_community"
REPLY_AS_BRAND = "community.reply_as_brand"

ROLE_LABELS = {
    COMMUNITY_MANAGERS: "Community manager",
    BRAND_STAFF: "Brand staff",
}
ROLE_CSS = {
    COMMUNITY_MANAGERS: "role-manager",
    BRAND_STAFF: "role-brand",
}


def is_community_manager(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(MODERATE))


def is_brand_staff(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(REPLY_AS_BRAND))


def viewer_roles(user) -> frozenset[str]:
    """The role group names of the signed-in ``user``, loaded with their permissions in one
    query and kept on the user object for the request.

    Every signed-in page needs both: the menus show role links (``site_shell``) and the
    views check permissions. Separately that was three queries (groups; user permissions;
    group permissions). Django's ModelBackend reads the permission caches filled here."""
    cached = getattr(user, "_hearth_roles", None)
    if cached is not None:
        return cached
    if not (user and user.is_authenticated):
        return frozenset()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    user_model = get_user_model()
    groups_table = user_model.groups.through._meta.db_table
    user_perms_table = user_model.user_permissions.through._meta.db_table
    group_perms_table = Group.permissions.through._meta.db_table
    permission, content_type = Permission._meta.db_table, ContentType._meta.db_table
    # Table names come from the models' own metadata; the user id is a parameter.
    sql = (
        f"SELECT 'n', g.name, CAST(g.id AS VARCHAR(20)) FROM {Group._meta.db_table} g "  # noqa: S608
        f"JOIN {groups_table} ug ON ug.group_id = g.id WHERE ug.user_id = %s "
        f"UNION ALL SELECT 'g', ct.app_label, p.codename FROM {permission} p "
        f"JOIN {content_type} ct ON ct.id = p.content_type_id "
        f"JOIN {group_perms_table} gp ON gp.permission_id = p.id "
        f"JOIN {groups_table} ug ON ug.group_id = gp.group_id WHERE ug.user_id = %s "
        f"UNION ALL SELECT 'u', ct.app_label, p.codename FROM {permission} p "
        f"JOIN {content_type} ct ON ct.id = p.content_type_id "
        f"JOIN {user_perms_table} up ON up.permission_id = p.id WHERE up.user_id = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, user.pk, user.pk])
        rows = cursor.fetchall()
    names = {name for kind, name, _ in rows if kind == "n"}
    user._hearth_group_ids = frozenset(int(group_id) for kind, _, group_id in rows if kind == "n")
    group_perms = {f"{app}.{codename}" for kind, app, codename in rows if kind == "g"}
    user_perms = {f"{app}.{codename}" for kind, app, codename in rows if kind == "u"}
    if user.is_superuser:
        names |= {COMMUNITY_MANAGERS, BRAND_STAFF}
    elif user.is_active:
        # What ModelBackend would compute and cache itself (superusers never reach it:
        # has_perm answers True before asking a backend).
        user._user_perm_cache = user_perms
        user._group_perm_cache = group_perms
        user._perm_cache = user_perms | group_perms
    user._hearth_roles = frozenset(names)
    return user._hearth_roles


def viewer_group_ids(user) -> frozenset[int]:
    """The ids of every group the signed-in ``user`` belongs to (role groups and the others,
    such as the groups early-access rewards open), from ``viewer_roles``' one query, kept
    for the request. Nothing for anonymous visitors."""
    if not (user and user.is_authenticated):
        return frozenset()
    if getattr(user, "_hearth_group_ids", None) is None:
        user.__dict__.pop("_hearth_roles", None)
        viewer_roles(user)
    return user._hearth_group_ids


def is_staff_member(user) -> bool:
    """Community managers, brand staff and the site's staff accounts (``is_staff``): those
    who see every part of the community, members-only parts included."""
    return bool(user and user.is_authenticated and user.is_active
                and (user.is_staff or is_community_manager(user) or is_brand_staff(user)))
