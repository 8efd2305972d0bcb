"""The production path for the security suites.

The hidden-content walks, the authorization and CSRF walks and the XSS corpus run as
production serves: production's middleware stack, every cache on (the anonymous page
cache, the fragment caches, a cache backend every request of a walk shares and that is never
cleared between them), DEBUG off. Only the HTTPS redirect is off: the test client speaks
plain HTTP, and a redirect to HTTPS would answer every request before any cache or view.

``production_path`` applies it; ``Readers`` reads each page as several readers in turn, the
most privileged first, so whatever one reader's rendering left in a cache is what the next,
less privileged reader would be served.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterable
from unittest import mock

import pytest
from django.core.cache import cache
from django.test import Client

PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "x7-" + "q9LmZ2vR8tWc4YbN6pKd" * 3,
    "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
    "HEARTH_ANONYMOUS_PAGE_CACHE": "1",
}
# What the production module decides that the suites take as it is.
TAKEN_FROM_PRODUCTION = ("MIDDLEWARE", "DEBUG", "HEARTH_ANONYMOUS_PAGE_CACHE", "SESSION_ENGINE",
                         "SESSION_COOKIE_HTTPONLY", "SECURE_CONTENT_TYPE_NOSNIFF",
                         "SECURE_REFERRER_POLICY", "SECURE_CROSS_ORIGIN_OPENER_POLICY",
                         "X_FRAME_OPTIONS", "CSRF_FAILURE_VIEW")


def production_settings():
    """``config.settings.production`` as a deployment would load it (its own copy: the module
    the test settings imported is left alone)."""
    environment = {key: value for key, value in os.environ.items() if key != "DJANGO_DEBUG"}
    environment.update(PRODUCTION_ENV)
    with mock.patch.dict(os.environ, environment, clear=True):
        spec = importlib.util.find_spec("config.settings.production")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return module


@pytest.fixture
def production_path(settings):
    production = production_settings()
    for name in TAKEN_FROM_PRODUCTION:
        if hasattr(production, name):
            setattr(settings, name, getattr(production, name))
    # Plain-HTTP test requests: everything else of production's HTTPS settings stays.
    settings.SECURE_SSL_REDIRECT = False
    settings.SECURE_HSTS_SECONDS = production.SECURE_HSTS_SECONDS
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    # The test settings' local-memory cache: one per process, shared by every request of the
    # walk (and by the live server's thread in the browser suite), like the shared Redis.
    assert settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")
    assert not settings.DEBUG and settings.HEARTH_ANONYMOUS_PAGE_CACHE
    assert "community.page_cache.AnonymousPageCacheMiddleware" in settings.MIDDLEWARE
    assert not settings.SECURE_SSL_REDIRECT
    return settings


def stored_page_count() -> int:
    """Pages in the anonymous page cache (the local-memory cache of this process, which the
    browser suite's server thread shares)."""
    return sum(":page-cache:" in key for key in list(cache._cache))


class Readers:
    """Clients that read the same pages in turn, most privileged first. The anonymous reader
    comes last and reads twice: the first rendering may be stored, the second then comes from
    the page cache."""

    def __init__(self, users: Iterable, *, anonymous_twice: bool = True):
        self.clients: list[tuple[str, Client]] = []
        for user in users:
            client = Client(raise_request_exception=False)
            client.force_login(user)
            self.clients.append((user.username, client))
        anonymous_reads = 2 if anonymous_twice else 1
        self.clients += [(f"anonymous#{index + 1}", Client(raise_request_exception=False))
                         for index in range(anonymous_reads)]

    def read(self, url: str, *, follow: bool = True) -> dict[str, str]:
        """The page as each reader got it, by reader."""
        pages = {}
        for name, client in self.clients:
            response = client.get(url, follow=follow)
            assert response.status_code < 500, f"{url} as {name}: {response.status_code}"
            pages[name] = response.content.decode(errors="replace")
        return pages
