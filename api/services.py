"""Creating, checking and revoking API tokens.

A token is ``hearth_<prefix rest>`` (a random secret, 32 bytes, URL-safe); only its SHA-256
digest is stored, so a leaked database does not leak working tokens, and the secret is shown
exactly once (the return value of ``create_token``)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from api.models import SCOPES, ApiToken
from community import suspensions
from community.refusals import Invalid, NotPermitted
from community.roles import is_staff_member

TOKEN_PREFIX = "hearth_"  # noqa: S105 - a public format marker, not a credential
VISIBLE_CHARS = 12  # the prefix plus a few characters of the secret, shown in lists
MAX_ACTIVE_TOKENS = 20
# last_used_at is written at most this often per token: a busy integration must not turn
# every read into a write.
TOUCH_INTERVAL = timedelta(minutes=1)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _clean(*, name: str, scopes: list[str], expires_at: datetime | None, user) -> tuple[str, list[str]]:
    name = " ".join((name or "").split())
    if not name:
        raise Invalid("Give the token a name, so you know later what it is for.")
    if len(name) > 80:
        raise Invalid("The name is too long: at most 80 characters.")
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown or not scopes:
        raise Invalid("Choose at least one scope: read, write or staff.")
    if "staff" in scopes and not is_staff_member(user):
        raise NotPermitted("Only brand staff and community managers may give a token the staff scope.")
    if expires_at is not None and expires_at <= timezone.now():
        raise Invalid("The expiry date must be in the future.")
    return name, [s for s in SCOPES if s in scopes]


def create_token(
    *,
    user,
    name: str,
    scopes: list[str],
    expires_at: datetime | None = None,
    kind: str = ApiToken.Kind.PERSONAL,
    created_by=None,
) -> tuple[ApiToken, str]:
    """Create a token acting as ``user``; returns it and its secret (never stored).

    Guarantees: a name, known scopes (``staff`` only for staff accounts), an expiry in the
    future if any; at most MAX_ACTIVE_TOKENS usable tokens per account; suspended members
    create none."""
    if suspensions.is_suspended(user):
        raise NotPermitted("A suspended account cannot create API tokens.")
    name, scopes = _clean(name=name, scopes=scopes, expires_at=expires_at, user=user)
    with transaction.atomic():
        active = ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True)
        if sum(1 for token in active if not token.is_expired()) >= MAX_ACTIVE_TOKENS:
            raise Invalid(f"You have {MAX_ACTIVE_TOKENS} tokens already: revoke one first.")
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = ApiToken.objects.create(
            user=user,
            kind=kind,
            name=name,
            scopes=scopes,
            expires_at=expires_at,
            prefix=secret[:VISIBLE_CHARS],
            key_hash=digest(secret),
            created_by=created_by or user,
        )
    return token, secret


def revoke_token(*, actor, token_id: int) -> ApiToken:
    """Revoke one of ``actor``'s tokens (staff revoke service tokens in the admin). Revoking
    twice changes nothing; a token of someone else answers as a missing one."""
    token = ApiToken.objects.filter(pk=token_id, user=actor).first()
    if token is None:
        raise NotPermitted("No such token.")
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db(fields=["revoked_at"])
    return token


def token_for_secret(secret: str) -> ApiToken | None:
    """The token ``secret`` names (revoked or expired ones too: the caller says which), with
    its user; None for an unknown secret. One query."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    return ApiToken.objects.select_related("user").filter(key_hash=digest(secret)).first()


def touch(token: ApiToken, *, now: datetime | None = None) -> None:
    """Record that ``token`` was used now (at most once per TOUCH_INTERVAL)."""
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
