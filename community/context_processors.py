from django.conf import settings

from community.roles import BRAND_STAFF, COMMUNITY_MANAGERS


def site_shell(request):
    """What base.html needs on every page. The unread count is a column of the user row
    already loaded; the role flags cost one query (menus only: views check permissions)."""
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    roles: set[str] = set()
    if signed_in:
        roles = {COMMUNITY_MANAGERS, BRAND_STAFF} if user.is_superuser else set(
            user.groups.values_list("name", flat=True)
        )
    return {
        "site_name": settings.WAGTAIL_SITE_NAME,
        "unread_notifications": user.unread_notification_count if signed_in else 0,
        "user_is_manager": COMMUNITY_MANAGERS in roles,
        "user_is_brand_staff": BRAND_STAFF in roles,
    }
