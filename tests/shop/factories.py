"""Orders and refunds as the store sends them, signed deliveries, and stored rows."""

from __future__ import annotations

import datetime
import itertools
import json
import time
from decimal import Decimal
from pathlib import Path

import factory
from django.utils import timezone

from shop.models import Order, OrderLine, Refund
from shop.webhooks import SIGNATURE_HEADER, sign

SECRET = "test-shop-webhook-secret"
SAMPLE_CSV = Path(__file__).resolve().parents[2] / "shop" / "samples" / "orders.csv"
WEBHOOK_URL = "/shop/webhooks/orders/"

_ids = itertools.count(5001)


def order_payload(*, order_id: str | None = None, email: str = "buyer@example.com",
                  total: str = "50.00", lines: list[dict] | None = None, currency: str = "EUR",
                  paid_at: str = "2026-12-01T09:30:00Z", **extra) -> dict:
    """An "order paid" payload in the store's shape."""
    return {"id": order_id or str(next(_ids)), "email": email, "customer": {"id": "cust-9"},
            "currency": currency, "total_price": total, "paid_at": paid_at,
            "line_items": lines if lines is not None else [], **extra}


def refund_payload(*, order_id: str, amount: str, refund_id: str | None = None, **extra) -> dict:
    return {"id": refund_id or f"r-{next(_ids)}", "order_id": order_id, "amount": amount,
            "currency": "EUR", **extra}


def signed(body: bytes, *, secret: str = SECRET, timestamp: int | None = None) -> dict:
    """Client keyword arguments carrying the signature header for ``body``."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {"HTTP_" + SIGNATURE_HEADER.upper().replace("-", "_"): sign(body, secret=secret,
                                                                      timestamp=timestamp)}


def deliver(client, event_type: str, data, *, secret: str = SECRET, timestamp: int | None = None):
    """POST a signed delivery of ``event_type`` to the webhook, as the store does."""
    body = json.dumps({"type": event_type, "data": data}).encode()
    return client.post(WEBHOOK_URL, data=body, content_type="application/json",
                       **signed(body, secret=secret, timestamp=timestamp))


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    external_id = factory.Sequence(lambda n: f"F-{n}")
    email = factory.Sequence(lambda n: f"customer{n}@example.com")
    currency = "EUR"
    total = Decimal("40.00")
    paid_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    points = 40
    source = Order.Source.IMPORT


class OrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    sku = factory.Sequence(lambda n: f"LINE-{n}")
    quantity = 1
    amount = Decimal("10.00")


class RefundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Refund

    external_id = factory.Sequence(lambda n: f"FR-{n}")
    order = factory.SubFactory(OrderFactory)
    amount = Decimal("5.00")
