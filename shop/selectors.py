"""Reads of the shop's records for other apps (they never read its tables themselves)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import F, QuerySet, Sum

from shop.models import Order, OrderLine

# What "spend in the last 12 months" means: orders paid in the last 365 days.
SPEND_WINDOW = datetime.timedelta(days=365)


def spend_by_member(*, member_ids: Iterable[int] | None, now: datetime.datetime) -> dict[int, Decimal]:
    """Each member's spend in the 12 months up to ``now``: the totals of their orders paid
    after ``now - 365 days`` (and not after ``now``), less everything refunded of those
    orders, whenever it was refunded. Only orders in the shop's currency count
    (``HEARTH_SHOP_CURRENCY``; there are no exchange rates). ``member_ids`` None: every
    member with such an order. Members without one are left out. One query."""
    orders = Order.objects.filter(member__isnull=False, paid_at__gt=now - SPEND_WINDOW,
                                  paid_at__lte=now, currency=settings.HEARTH_SHOP_CURRENCY)
    if member_ids is not None:
        orders = orders.filter(member_id__in=list(member_ids))
    rows = (orders.values("member_id").annotate(spend=Sum(F("total") - F("refunded")))
            .order_by().values_list("member_id", "spend"))
    return {member_id: spend or Decimal(0) for member_id, spend in rows}


@dataclass(frozen=True)
class Purchase:
    member_id: int
    product_id: int
    order_id: int
    paid_at: datetime.datetime


def reviewable_purchases(*, paid_after: datetime.datetime,
                         paid_before: datetime.datetime) -> Iterator[Purchase]:
    """Products bought by members in orders paid in (``paid_after``, ``paid_before``] and not
    wholly refunded: what a member may be asked to review. One row per product and order."""
    lines = (OrderLine.objects
             .filter(order__member__isnull=False, product__isnull=False,
                     order__paid_at__gt=paid_after, order__paid_at__lte=paid_before)
             .exclude(order__status=Order.Status.REFUNDED)
             .values_list("order__member_id", "product_id", "order_id", "order__paid_at")
             .distinct().order_by("order__paid_at", "order_id", "product_id"))
    for member_id, product_id, order_id, paid_at in lines.iterator(chunk_size=2000):
        yield Purchase(member_id=member_id, product_id=product_id, order_id=order_id, paid_at=paid_at)


def recent_purchases(*, member_id: int, since: datetime.datetime, limit: int) -> list[OrderLine]:
    """The member's latest purchased products since ``since`` (newest first, one line per
    product), with each line's product and order."""
    lines = (OrderLine.objects.select_related("product", "order")
             .filter(order__member_id=member_id, order__paid_at__gt=since, product__isnull=False,
                     product__live=True)
             .exclude(order__status=Order.Status.REFUNDED)
             .order_by("-order__paid_at", "-id")[: limit * 3])
    kept, seen = [], set()
    for line in lines:
        if line.product_id not in seen:
            seen.add(line.product_id)
            kept.append(line)
    return kept[:limit]


def orders_of(*, member) -> QuerySet[Order]:
    """The member's orders (for the API's "my orders"); the caller orders them."""
    if not getattr(member, "is_authenticated", False):
        return Order.objects.none()
    return Order.objects.filter(member=member)


def products_owned(*, member_ids: Iterable[int]) -> dict[int, set[int]]:
    """For each member, the products in their paid orders that were not wholly refunded.
    One query."""
    lines = (OrderLine.objects.filter(order__member_id__in=list(member_ids), product__isnull=False,
                                      order__paid_at__isnull=False)
             .exclude(order__status=Order.Status.REFUNDED)
             .values_list("order__member_id", "product_id").distinct())
    owned: dict[int, set[int]] = {}
    for member_id, product_id in lines:
        owned.setdefault(member_id, set()).add(product_id)
    return owned
