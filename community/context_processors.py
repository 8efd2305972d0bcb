from django.conf import settings

from community.roles import BRAND_STAFF, COMMUNITY_MANAGERS, viewer_roles


def site_shell(request):
    """What base.html needs on every page. The unread count is a column of the user row
    already loaded; the role flags and the permissions views check come from one query
    (``viewer_roles``)."""
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    roles = viewer_roles(user) if signed_in else frozenset()
    return {
        "site_name": settings.WAGTAIL_SITE_NAME,
        "unread_notifications": user.unread_notification_count if signed_in else 0,
        "user_is_manager": COMMUNITY_MANAGERS in roles,
        "user_is_brand_staff": BRAND_STAFF in roles,
    }
