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
