"""The store's signed webhooks: checking a delivery's signature and timestamp.

A delivery carries ``Hearth-Signature: t=<unix seconds>,v1=<hex>``, where the hex is
HMAC-SHA256, keyed with ``HEARTH_SHOP_WEBHOOK_SECRET``, of ``"<t>." + body`` (the scheme
Stripe uses; several ``v1=`` entries are accepted, so the store can sign with an old and a new
secret while the secret is rotated). The timestamp must be within
``HEARTH_SHOP_WEBHOOK_TOLERANCE_SECONDS`` of now, so a captured delivery cannot be replayed
later; a replay within that window is harmless anyway (orders and refunds are stored once by
their ids). Signatures are compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_HEADER = "Hearth-Signature"


class WebhookRefused(Exception):
    """The delivery is refused: ``status``, a short ``slug`` for the problem type, a title."""

    def __init__(self, status: int, slug: str, title: str, detail: str):
        super().__init__(detail)
        self.status, self.slug, self.title, self.detail = status, slug, title, detail


def sign(body: bytes, *, secret: str, timestamp: int) -> str:
    """The header value for ``body`` sent at ``timestamp`` (what the store computes)."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(header: str | None, body: bytes, *, secret: str, tolerance: int,
           now: float | None = None) -> int:
    """Check the signature header of ``body``; returns its timestamp, or raises
    WebhookRefused."""
    if not header:
        raise WebhookRefused(401, "missing-signature", "Missing signature",
                             f"The {SIGNATURE_HEADER} header is missing.")
    timestamp, signatures = None, []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isascii() and value.isdigit() and len(value) <= 12:
            timestamp = int(value)
        elif key == "v1" and value:
            signatures.append(value.strip())
    if timestamp is None or not signatures:
        raise WebhookRefused(401, "malformed-signature", "Malformed signature",
                             f"The {SIGNATURE_HEADER} header must read t=<unix seconds>,v1=<hex>.")
    expected = sign(body, secret=secret, timestamp=timestamp).partition(",v1=")[2]
    matched = False
    for signature in signatures:
        # Every candidate is compared, each in constant time.
        matched |= hmac.compare_digest(signature.encode(), expected.encode())
    if not matched:
        raise WebhookRefused(401, "bad-signature", "Signature does not match",
                             "The signature does not match the body and timestamp: check the "
                             "shared secret, and sign the raw body as sent.")
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        raise WebhookRefused(401, "stale-timestamp", "Timestamp out of range",
                             f"The timestamp is more than {tolerance} seconds from now; the "
                             "delivery is refused so that it cannot be replayed.")
    return timestamp
