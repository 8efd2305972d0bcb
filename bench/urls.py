"""The site's URLconf plus the baseline: a bare view returning a short text response,
through the same server and middleware stack as every page."""

from django.http import HttpResponse
from django.urls import path

from config.urls import handler500  # noqa: F401 - the site's outage-aware error page
from config.urls import urlpatterns as site_urlpatterns


def baseline(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/baseline", baseline), *site_urlpatterns]
