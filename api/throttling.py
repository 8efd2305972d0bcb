"""Rate limits per token, per signed-in session and per address (DRF throttles).

Rates come from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` (settings, from the
environment: HEARTH_API_RATE_TOKEN, _SESSION, _ANON, _WRITE)."""

from __future__ import annotations

from rest_framework.throttling import SimpleRateThrottle

from api.permissions import token_of


class TokenThrottle(SimpleRateThrottle):
    """Each token has its own budget, whoever holds it."""

    scope = "token"

    def get_cache_key(self, request, view):
        token = token_of(request)
        return self.cache_format % {"scope": self.scope, "ident": token.pk} if token else None


class SessionThrottle(SimpleRateThrottle):
    scope = "session"

    def get_cache_key(self, request, view):
        if token_of(request) is not None or not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class AnonymousThrottle(SimpleRateThrottle):
    scope = "anon"

    def get_cache_key(self, request, view):
        if request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class WriteThrottle(SimpleRateThrottle):
    """Writes by one caller (token or member), on top of the services' own limits."""

    scope = "write"

    def get_cache_key(self, request, view):
        if request.method in ("GET", "HEAD", "OPTIONS") or not request.user.is_authenticated:
            return None
        token = token_of(request)
        ident = f"t{token.pk}" if token else f"u{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
