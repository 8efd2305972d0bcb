from django.conf import settings

from community.roles import is_brand_staff, is_community_manager


def site_shell(request):
    """What base.html needs on every page: no queries beyond the user row already loaded."""
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return {
        "site_name": settings.WAGTAIL_SITE_NAME,
        "unread_notifications": user.unread_notification_count if signed_in else 0,
        "user_is_manager": signed_in and is_community_manager(user),
        "user_is_brand_staff": signed_in and is_brand_staff(user),
    }
