from django.conf import settings

from community import staff_links
from community.roles import BRAND_STAFF, COMMUNITY_MANAGERS, viewer_roles


def site_shell(request):
    """What base.html needs on every page. The unread count is a column of the user row
    already loaded; the role flags and the permissions views check come from one query
    (``viewer_roles``); the staff menu costs no query (``community.staff_links``)."""
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    roles = viewer_roles(user) if signed_in else frozenset()
    # Staff pages for staff only (the permission checks read what viewer_roles loaded);
    # their counts come from the cache: hearth.js fetches fresh ones once the page has loaded.
    links = staff_links.links_for(user) if signed_in else []
    return {
        "staff_menu": staff_links.menu(links, staff_links.cached_counts(links)) if links else [],
        "site_name": settings.WAGTAIL_SITE_NAME,
        "unread_notifications": user.unread_notification_count if signed_in else 0,
        "user_is_manager": COMMUNITY_MANAGERS in roles,
        "user_is_brand_staff": BRAND_STAFF in roles,
        # From the settings, not the database: the member menu links the sign-in providers'
        # page only where one is configured (docs/sso.md), at no query.
        "sign_in_providers": bool(getattr(settings, "SOCIALACCOUNT_PROVIDERS", None)),
    }
