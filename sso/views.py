"""The shop's log-in connector (docs/sso.md): thin, the checks are in sso.connector and the
writes in sso.services. Refusals reach community.refusals.RefusalMiddleware (400/403 pages)."""

from django.conf import settings
from django.contrib.auth import login as auth_login
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from sso import connector, services

BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


@require_GET
@never_cache
def shop_login(request):
    secret = settings.HEARTH_SHOP_SSO_SECRET
    if not secret:
        raise Http404("Signing in from the shop is not set up.")
    login = connector.verify(request.GET.get("payload"), request.GET.get("sig"), secret=secret,
                             max_age=settings.HEARTH_SHOP_SSO_MAX_AGE_SECONDS)
    user, _created = services.sign_in_shop_customer(request=request, login=login)
    auth_login(request, user, backend=BACKEND)
    return redirect(login.return_to)
