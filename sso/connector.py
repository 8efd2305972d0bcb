"""The shop's log-in connector, the DiscourseConnect way: checking a signed link (docs/sso.md).

The shop sends a signed-in customer to ``/sso/shop/?payload=...&sig=...``: ``payload`` is the
base64 of a query string (``nonce``, ``email``, ``external_id``, ``issued_at``, optional
``name`` and ``return_to``), ``sig`` the hex HMAC-SHA256 of the payload text, keyed with
``HEARTH_SHOP_SSO_SECRET``. The signature is checked first, in constant time, before anything
in the payload is read; then the payload's age (``HEARTH_SHOP_SSO_MAX_AGE_SECONDS``) and every
field. Whether the nonce was used before is the service's to check, in the transaction that
logs the customer in (``sso.services``). Every problem is a ``ShopLinkRefused`` (a 400 page).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import time
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from community.refusals import Invalid

MAX_PAYLOAD_CHARS = 4096
NONCE = re.compile(r"[A-Za-z0-9_-]{16,128}")
SIGNATURE = re.compile(r"[0-9a-fA-F]{64}")
# How far ahead of Hearth's clock the shop's may be.
CLOCK_SKEW_SECONDS = 60
MAX_EXTERNAL_ID = 64
MAX_NAME = 60
REQUIRED = ("nonce", "email", "external_id", "issued_at")


class ShopLinkRefused(Invalid):
    title = "This sign-in link from the shop cannot be used"


@dataclass(frozen=True)
class ShopLogin:
    nonce: str
    email: str
    external_id: str
    name: str
    return_to: str
    issued_at: int


def sign(payload: str, *, secret: str) -> str:
    return hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()


def _has_control_characters(text: str) -> bool:
    return any(ord(char) < 32 or ord(char) == 127 for char in text)


def safe_return_path(value: str) -> str:
    """``value`` when it is a path on Hearth ("/forum/"); anything that could leave the site
    (another host, a scheme, "//host", a backslash that browsers read as a slash) is refused."""
    if not value:
        return "/"
    if (not value.startswith("/") or value.startswith("//") or "\\" in value
            or _has_control_characters(value)):
        raise ShopLinkRefused("The page to return to must be a path on this site (such as "
                              "/forum/), not an address elsewhere.")
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        raise ShopLinkRefused("The page to return to must be a path on this site (such as "
                              "/forum/), not an address elsewhere.")
    return value


def verify(payload: str | None, sig: str | None, *, secret: str, max_age: int,
           now: float | None = None) -> ShopLogin:
    """The customer the link vouches for, or ShopLinkRefused saying what is wrong with it."""
    if not payload or not sig:
        raise ShopLinkRefused("The link is incomplete: it needs both a payload and a signature "
                              "(sig). Go back to the shop and follow its link again.")
    if len(payload) > MAX_PAYLOAD_CHARS or not SIGNATURE.fullmatch(sig):
        raise ShopLinkRefused("The link is malformed. Go back to the shop and follow its link again.")
    expected = sign(payload, secret=secret)
    if not hmac.compare_digest(sig.lower().encode(), expected.encode()):
        raise ShopLinkRefused("The link's signature does not match: it was changed after the shop "
                              "signed it, or the shop signs with another secret. Nothing was done.")
    try:
        text = base64.b64decode(payload.encode("ascii"), validate=True).decode("utf-8")
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=True, errors="strict",
                          max_num_fields=20)
    except (ValueError, UnicodeError, binascii.Error):
        raise ShopLinkRefused("The link's payload is not base64 of a query string.") from None
    fields: dict[str, str] = {}
    for key, value in pairs:
        if key in fields:
            raise ShopLinkRefused(f"The link's payload names {key} twice.")
        fields[key] = value.strip()
    missing = [name for name in REQUIRED if not fields.get(name)]
    if missing:
        raise ShopLinkRefused(f"The link's payload lacks {', '.join(missing)}.")

    issued_at = fields["issued_at"]
    if not (issued_at.isascii() and issued_at.isdigit() and len(issued_at) <= 12):
        raise ShopLinkRefused("The link's issued_at must be a time in whole seconds since 1970.")
    now = time.time() if now is None else now
    if int(issued_at) < now - max_age:
        raise ShopLinkRefused("This sign-in link has expired. Go back to the shop and follow its "
                              "link again.")
    if int(issued_at) > now + CLOCK_SKEW_SECONDS:
        raise ShopLinkRefused("The link says it was made in the future: the shop's clock is wrong.")
    if not NONCE.fullmatch(fields["nonce"]):
        raise ShopLinkRefused("The link's nonce must be 16 to 128 letters, digits, - or _.")
    email = fields["email"].lower()
    try:
        if len(email) > 254:
            raise ValidationError("too long")
        validate_email(email)
    except ValidationError:
        raise ShopLinkRefused("The link's email is not a valid address.") from None
    external_id = fields["external_id"]
    if len(external_id) > MAX_EXTERNAL_ID or _has_control_characters(external_id):
        raise ShopLinkRefused(f"The link's external_id must be at most {MAX_EXTERNAL_ID} "
                              "printable characters.")
    name = fields.get("name", "")
    if _has_control_characters(name):
        raise ShopLinkRefused("The link's name holds characters that cannot be shown.")
    return ShopLogin(nonce=fields["nonce"], email=email, external_id=external_id,
                     name=name[:MAX_NAME].strip(), return_to=safe_return_path(fields.get("return_to", "")),
                     issued_at=int(issued_at))
