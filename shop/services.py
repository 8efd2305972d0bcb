"""Writes of the shop: recording paid orders and refunds, and attributing orders to members.

Guarantees:
- An order is stored once per external order id and a refund once per external refund id: a
  replay (a webhook delivered twice, a file imported twice, two deliveries at the same moment)
  changes nothing and reports the order or refund already stored.
- An order is attributed to the member whose verified email is the order's (case-insensitive),
  when it arrives or later when a member verifies that email. ``order_paid`` is sent once per
  order, when it is attributed; ``order_refunded`` once per refund of an attributed order.
- Refunds never exceed what is left of the order, and together never take back more points
  than the order earned (a full refund takes back exactly what it earned).
Each write is one transaction; the signals are sent after it commits
(``community.events.send_on_commit``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from allauth.account.models import EmailAddress
from django.db import IntegrityError, transaction
from django.utils import timezone

from community.events import send_on_commit
from community.models import ProductPage
from community.refusals import Invalid
from shop import signals
from shop.models import EarningRules, Order, OrderLine, Refund
from shop.parsing import OrderData, RefundData


@dataclass(frozen=True)
class Recorded:
    """What a call did: the row, and whether this call created it (False for a replay)."""

    obj: Order | Refund
    created: bool


def _floor(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_FLOOR))


def earning_rates() -> tuple[Decimal, dict[int, Decimal]]:
    """The points a unit of currency earns, and the multiplier of each product category."""
    rules = EarningRules.load()
    return rules.points_per_unit, dict(rules.multipliers.values_list("category_id", "multiplier"))


def verified_member_id(email: str) -> int | None:
    """The member whose verified address is ``email`` (any case), if there is one."""
    return (EmailAddress.objects.filter(email__iexact=email.strip(), verified=True)
            .order_by("pk").values_list("user_id", flat=True).first())


def record_order(*, data: OrderData, source: str) -> Recorded:
    """Store a paid order (checked already by ``shop.parsing.parse_order``) with its lines and
    the points it earns, and attribute it to the member with that verified email if there is
    one (then ``order_paid`` is sent after commit). A line whose SKU matches no product page is
    kept, unmatched, with a note. Replaying an order id returns the stored order unchanged."""
    existing = Order.objects.filter(external_id=data.external_id).first()
    if existing is not None:
        return Recorded(existing, False)
    rate, multipliers = earning_rates()
    products = {page.sku: page for page in ProductPage.objects.filter(
        sku__in={line.sku for line in data.lines}).only("id", "sku", "category_id")}
    try:
        with transaction.atomic():
            order = Order.objects.create(
                external_id=data.external_id, email=data.email, customer_id=data.customer_id,
                currency=data.currency, total=data.total, paid_at=data.paid_at, source=source)
            lines, earned = [], Decimal(0)
            for line in data.lines:
                product = products.get(line.sku)
                multiplier = multipliers.get(product.category_id, Decimal(1)) if product else Decimal(1)
                points = line.amount * rate * multiplier
                earned += points
                lines.append(OrderLine(
                    order=order, sku=line.sku, product=product, quantity=line.quantity,
                    amount=line.amount, points=_floor(points),
                    note="" if product else f"Unknown product SKU {line.sku}: kept without a product."))
            OrderLine.objects.bulk_create(lines)
            order.points = _floor(earned if data.lines else data.total * rate)
            order.save(update_fields=["points"])
            member_id = verified_member_id(data.email)
            if member_id is not None:
                _attribute(order, member_id)
    except IntegrityError:
        # The same order arrived at the same moment and was stored first: a replay.
        stored = Order.objects.filter(external_id=data.external_id).first()
        if stored is None:
            raise
        return Recorded(stored, False)
    return Recorded(order, True)


def record_refund(*, data: RefundData) -> Recorded:
    """Store a refund of a stored order and the share of the order's points it takes back
    (in proportion to the amount: with every refund so far, floor(points × refunded /
    total), less what earlier refunds took). Refuses (changing nothing) a refund of an unknown
    order, in another currency, or larger than what is left of the order. If the order is
    attributed, ``order_refunded`` is sent after commit. Replaying a refund id returns the
    stored refund unchanged."""
    with transaction.atomic():
        # The order's row lock serialises its refunds (and a refund's replays).
        order = Order.objects.select_for_update().filter(external_id=data.order_id).first()
        if order is None:
            raise Invalid(f"There is no order {data.order_id} to refund.")
        existing = Refund.objects.filter(external_id=data.external_id).first()
        if existing is not None:
            return Recorded(existing, False)
        if data.currency and data.currency != order.currency:
            raise Invalid(f"The refund is in {data.currency} but order {order.external_id} was "
                          f"paid in {order.currency}.")
        left = order.total - order.refunded
        if data.amount > left:
            raise Invalid(f"The refund of {data.amount} {order.currency} is more than what is left "
                          f"of order {order.external_id} ({left} {order.currency}).")
        refunded = order.refunded + data.amount
        taken = sum(order.refunds.values_list("points", flat=True))
        share = order.points if refunded == order.total else _floor(
            Decimal(order.points) * refunded / order.total)
        refund = Refund.objects.create(external_id=data.external_id, order=order,
                                       amount=data.amount, created_at=data.created_at,
                                       points=max(0, min(share, order.points) - taken))
        order.refunded = refunded
        order.status = Order.Status.REFUNDED if refunded == order.total else Order.Status.PARTIALLY_REFUNDED
        order.save(update_fields=["refunded", "status"])
        if order.member_id is not None and order.announced_at is not None:
            _announce_refund(order, refund)
    return Recorded(refund, True)


def attribute_orders(*, user_id: int, email: str) -> list[int]:
    """Attribute the orders placed with ``email`` that no member has yet to ``user_id``, if
    that address is verified for that member now; each sends ``order_paid`` (and
    ``order_refunded`` for refunds already recorded). Running it again changes nothing.
    Returns the ids of the orders attributed."""
    email = email.strip().lower()
    if not EmailAddress.objects.filter(user_id=user_id, email__iexact=email, verified=True).exists():
        return []
    attributed = []
    with transaction.atomic():
        for order in Order.objects.select_for_update().filter(email=email, member__isnull=True):
            _attribute(order, user_id)
            attributed.append(order.pk)
    return attributed


def _attribute(order: Order, user_id: int) -> None:
    """Give the order to the member and send order_paid, once (a conditional update decides
    which of two racing callers announces it)."""
    now = timezone.now()
    claimed = Order.objects.filter(pk=order.pk, member__isnull=True, announced_at__isnull=True).update(
        member_id=user_id, announced_at=now)
    if not claimed:
        return
    order.member_id, order.announced_at = user_id, now
    send_on_commit(signals.order_paid, sender=Order, order_id=order.pk, user_id=user_id,
                   points=order.points)
    for refund in order.refunds.filter(announced_at__isnull=True):
        _announce_refund(order, refund)


def _announce_refund(order: Order, refund: Refund) -> None:
    if Refund.objects.filter(pk=refund.pk, announced_at__isnull=True).update(announced_at=timezone.now()):
        send_on_commit(signals.order_refunded, sender=Refund, order_id=order.pk,
                       refund_id=refund.pk, user_id=order.member_id, points=refund.points)


def recompute_refunded() -> int:
    """Rebuild each order's refunded amount from its refunds; returns how many drifted."""
    drifted = 0
    for order in Order.objects.prefetch_related("refunds"):
        actual = sum((refund.amount for refund in order.refunds.all()), Decimal(0))
        if actual != order.refunded:
            drifted += 1
            Order.objects.filter(pk=order.pk).update(refunded=actual)
    return drifted

