"""Who is calling: a personal or service token (``Authorization: Bearer hearth_…``), or the
site's own session (the site's scripts), with CSRF enforced as on any form of the site."""

from __future__ import annotations

from django.utils import timezone
from rest_framework import authentication, exceptions

from api import services


class TokenProblem(exceptions.AuthenticationFailed):
    """A token that is unknown, revoked or expired: 401, with a ``code`` clients can test."""

    def __init__(self, detail: str, code: str):
        super().__init__(detail=detail, code=code)
        self.problem_code = code


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer":
            return None
        secret = secret.strip()
        token = services.token_for_secret(secret) if secret else None
        if token is None:
            raise TokenProblem("The token is not valid.", "token_invalid")
        if token.revoked_at is not None:
            raise TokenProblem("The token was revoked.", "token_revoked")
        now = timezone.now()
        if token.is_expired(now):
            raise TokenProblem(f"The token expired at {token.expires_at.isoformat()}.", "token_expired")
        if not token.user.is_active:
            raise TokenProblem("The token's account is inactive.", "token_invalid")
        services.touch(token, now=now)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


class SiteSessionAuthentication(authentication.SessionAuthentication):
    """The member's session, for the site's own scripts: unsafe methods need the CSRF token
    (the ``X-CSRFToken`` header ``hearth.js`` sends), as every form of the site does."""

    def authenticate_header(self, request) -> str:
        # A 401 names the token scheme; a session without a token is what a browser has.
        return 'Bearer realm="api"'
