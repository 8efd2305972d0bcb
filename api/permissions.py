"""Scopes: what a token may be used for. A session (the site's own scripts) has every scope
its member's roles allow; a token only those it was created with.

Reading needs ``read``; writing needs ``write``; staff endpoints (brand replies, follow-ups)
also need ``staff``. The services still decide whether this member may do this to this
object: a scope never grants what the account could not do on the site."""

from __future__ import annotations

from rest_framework import permissions

from api.models import ApiToken


def token_of(request) -> ApiToken | None:
    return request.auth if isinstance(request.auth, ApiToken) else None


def has_scope(request, scope: str) -> bool:
    token = token_of(request)
    return token is None or scope in token.scopes


class ScopeDenied(permissions.exceptions.PermissionDenied):
    default_code = "insufficient_scope"


class TokenScopes(permissions.BasePermission):
    """Safe methods need ``read``, others ``write``; a view's ``extra_scopes`` are needed too."""

    def has_permission(self, request, view) -> bool:
        needed = [
            "read" if request.method in permissions.SAFE_METHODS else "write",
            *getattr(view, "extra_scopes", ()),
        ]
        missing = [scope for scope in needed if not has_scope(request, scope)]
        if missing:
            raise ScopeDenied(
                f"This token lacks the {' and '.join(missing)} scope"
                f"{'s' if len(missing) > 1 else ''} this request needs."
            )
        return True


class SignedInToWrite(permissions.BasePermission):
    """Anyone reads what a visitor of the site could; writing needs a member."""

    message = "Sign in (a session or a token) to do this."

    def has_permission(self, request, view) -> bool:
        return request.method in permissions.SAFE_METHODS or bool(
            request.user and request.user.is_authenticated
        )


class SignedIn(permissions.BasePermission):
    message = "Sign in (a session or a token) to see this."

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated)
