"""Who reads the community health dashboard: community managers and the site's staff
accounts (``is_staff``). Brand staff and members are refused."""

from community.roles import is_community_manager


def may_see_health(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active
                and (user.is_staff or is_community_manager(user)))
