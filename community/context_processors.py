import functools

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

from community import staff_links
from community.roles import BRAND_STAFF, COMMUNITY_MANAGERS, viewer_roles

# The links of the site's frame (main menu and member menu), by the name templates use.
SHELL_ROUTES = {
    "forum": "forum:index", "ideas": "ideas:index", "rewards": "rewards:index",
    "leaderboard": "badges:leaderboard", "notifications": "community:notifications",
    "points": "badges:points", "my_rewards": "rewards:mine", "profile_edit": "community:profile_edit",
    "notification_settings": "community:notification_settings", "privacy": "privacy:settings",
    "api_tokens": "api_settings:settings", "referrals": "referrals:mine", "emails": "account_email",
    "change_password": "account_change_password", "sign_in_methods": "socialaccount_connections",
    "log_out": "account_logout", "log_in": "account_login", "sign_up": "account_signup",
}


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
        "shell_urls": shell_urls(),
    }


def shell_urls() -> dict[str, str]:
    """``SHELL_ROUTES`` reversed: once per process, script prefix and URLconf (as ``{% url %}``
    tags they were 18 reversals a page, ~20 µs each). A route this installation does not
    have is "" and its link is left out, as ``{% url ... as name %}`` would."""
    return _reversed_routes(get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


@functools.lru_cache(maxsize=16)
def _reversed_routes(script_prefix: str, urlconf: str) -> dict[str, str]:
    # Both are only part of the key: reverse reads them itself.
    urls = {}
    for name, route in SHELL_ROUTES.items():
        try:
            urls[name] = reverse(route)
        except NoReverseMatch:
            urls[name] = ""
    return urls
