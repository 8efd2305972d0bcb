"""Every log-in goes through the site's own log-in page (allauth), where guessing is limited.

Wagtail's admin, Django's admin and Wagtail's private-page screen each come with a log-in
form of their own that checks a password with no limit on guesses (Django's
``AuthenticationForm``): through any of them, anyone could try passwords against any
account for as long as they liked, whatever ``ACCOUNT_RATE_LIMITS`` says. These views stand
in front of those three URLs (config/urls.py) and check no password: a visitor is sent to the
site's log-in page with the way back, a signed-in member who may enter goes on, one who may
not is told so. Only a path on this site is a way back (a ``?next=`` that is not one goes to
the screen's home page instead).
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def _way_back(request: HttpRequest, home: str) -> str:
    wanted = request.GET.get("next") or request.POST.get("next") or ""
    if wanted.startswith("/") and url_has_allowed_host_and_scheme(
            wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return wanted
    return home


def _door(home: str, may_enter: Callable[[object], bool], refusal: str) -> Callable:
    """``home``: a path, or the name of the URL a way back defaults to."""
    def view(request: HttpRequest) -> HttpResponse:
        then = _way_back(request, home if home.startswith("/") else reverse(home))
        if not request.user.is_authenticated:
            return redirect_to_login(then)
        if not may_enter(request.user):
            raise PermissionDenied(refusal)
        return redirect(then)

    view.__doc__ = f"The log-in URL of the screens under {home} (see the module docstring)."
    return view


wagtail_admin_login = _door(
    "wagtailadmin_home", lambda user: user.has_perm("wagtailadmin.access_admin"),
    "Your account has no access to the admin.")
django_admin_login = _door(
    "admin:index", lambda user: user.is_active and user.is_staff,
    "Your account has no access to this admin site.")
# Wagtail sends visitors to a restricted page here (or, with WAGTAIL_FRONTEND_LOGIN_URL, to
# the site's log-in page at once); a signed-in member goes back to the page, which answers
# for itself (a page restricted to a group they are not in says so).
private_page_login = _door("/", lambda user: True, "")
