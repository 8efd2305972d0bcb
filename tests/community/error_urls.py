"""Hearth's URLconf plus views that fail on purpose, for tests/community/test_error_pages.py."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from config.urls import handler400, handler500
from config.urls import urlpatterns as site_urlpatterns


def boom(request):
    raise RuntimeError("a bug in a view")


def forbidden(request):
    raise PermissionDenied("Only community managers can do that.")


def suspicious(request):
    raise SuspiciousOperation("a malformed request")


urlpatterns = [
    path("test-errors/boom/", boom),
    path("test-errors/forbidden/", forbidden),
    path("test-errors/suspicious/", suspicious),
    *site_urlpatterns,
]

__all__ = ["handler400", "handler500", "urlpatterns"]
