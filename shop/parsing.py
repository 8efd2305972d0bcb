"""Orders and refunds as the store sends them, checked and turned into plain values.

The webhook and ``import_orders`` read the same shape (the store's "order paid" and "refund
created" payloads): every check is here, so both answer bad input with the same message and
nothing reaches the database unchecked. A refused value raises ``community.refusals.Invalid``
whose message names the field.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from community.refusals import Invalid

MAX_ID_LENGTH = 64
MAX_LINES = 500
MAX_QUANTITY = 100_000
MAX_AMOUNT = Decimal("9999999999.99")  # what DecimalField(max_digits=12, decimal_places=2) holds


@dataclass(frozen=True)
class LineData:
    sku: str
    quantity: int
    amount: Decimal  # the line's total: unit price × quantity


@dataclass(frozen=True)
class OrderData:
    external_id: str
    email: str
    customer_id: str
    currency: str
    total: Decimal
    paid_at: datetime.datetime
    lines: tuple[LineData, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class RefundData:
    external_id: str
    order_id: str
    amount: Decimal
    currency: str  # "" when the store did not say
    created_at: datetime.datetime


def _text(value, name: str, *, max_length: int, required: bool = True) -> str:
    if value is None or value == "":
        if required:
            raise Invalid(f"{name} is missing.")
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise Invalid(f"{name} must be text.")
    text = str(value).strip()
    if required and not text:
        raise Invalid(f"{name} is missing.")
    if len(text) > max_length:
        raise Invalid(f"{name} is longer than {max_length} characters.")
    if not text.isprintable():
        raise Invalid(f"{name} holds characters that cannot be stored.")
    return text


def money(value, name: str, *, positive: bool = False) -> Decimal:
    """A Decimal amount with at most two decimal places; refuses floats' rounding errors by
    reading numbers as text, and refuses negative amounts (and zero when ``positive``)."""
    if isinstance(value, bool) or value is None or value == "":
        raise Invalid(f"{name} is missing.")
    if not isinstance(value, str | int | Decimal):
        raise Invalid(f"{name} must be an amount such as 19.90.")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise Invalid(f"{name} must be an amount such as 19.90, not {str(value)[:20]!r}.") from None
    if not amount.is_finite():
        raise Invalid(f"{name} must be an amount such as 19.90.")
    if amount < 0:
        raise Invalid(f"{name} must not be negative (got {amount}).")
    if positive and amount == 0:
        raise Invalid(f"{name} must be more than zero.")
    if amount != amount.quantize(Decimal("0.01")) or amount > MAX_AMOUNT:
        raise Invalid(f"{name} must have at most two decimal places and be below {MAX_AMOUNT}.")
    return amount.quantize(Decimal("0.01"))


def _quantity(value, name: str) -> int:
    if isinstance(value, bool):
        raise Invalid(f"{name} must be a whole number.")
    text = str(value).strip() if value is not None else ""
    if not (text.isascii() and text.isdigit()):
        raise Invalid(f"{name} must be a whole number of at least 1, not {text[:20]!r}.")
    quantity = int(text)
    if not 1 <= quantity <= MAX_QUANTITY:
        raise Invalid(f"{name} must be between 1 and {MAX_QUANTITY:,}.")
    return quantity


def _currency(value, name: str = "currency", *, required: bool = True) -> str:
    if not required and (value is None or value == ""):
        return ""
    text = _text(value, name, max_length=20).upper()
    if not (len(text) == 3 and text.isascii() and text.isalpha()):
        raise Invalid(f"{name} must be a three-letter ISO code such as EUR.")
    return text


def _moment(value, name: str, *, default: datetime.datetime | None = None) -> datetime.datetime:
    if value is None or value == "":
        if default is not None:
            return default
        raise Invalid(f"{name} is missing.")
    if not isinstance(value, str):
        raise Invalid(f"{name} must be a date and time such as 2026-12-04T10:30:00Z.")
    try:
        moment = parse_datetime(value.strip())
    except ValueError:
        moment = None
    if moment is None:
        raise Invalid(f"{name} must be a date and time such as 2026-12-04T10:30:00Z, "
                      f"not {value[:40]!r}.")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, datetime.UTC)
    return moment


def _email(value) -> str:
    email = _text(value, "email", max_length=254).lower()
    try:
        validate_email(email)
    except ValidationError:
        raise Invalid(f"email {email!r} is not an email address.") from None
    return email


def parse_order(data) -> OrderData:
    """An "order paid" payload: ``id``, ``email``, ``customer`` (``{"id": ...}``) or
    ``customer_id``, ``currency``, ``total_price`` (or ``total``), ``paid_at`` (or
    ``processed_at``) and ``line_items`` (each ``sku``, ``quantity``, ``price`` per unit)."""
    if not isinstance(data, dict):
        raise Invalid("The order must be a JSON object.")
    customer = data.get("customer")
    customer_id = customer.get("id") if isinstance(customer, dict) else data.get("customer_id")
    total_key = "total_price" if "total_price" in data else "total"
    total = money(data.get(total_key), total_key)
    items = data.get("line_items", [])
    if not isinstance(items, list):
        raise Invalid("line_items must be a list.")
    if len(items) > MAX_LINES:
        raise Invalid(f"An order may have at most {MAX_LINES} lines.")
    lines = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise Invalid(f"line {number} must be a JSON object.")
        lines.append(parse_line(item, prefix=f"line {number}: "))
    order = OrderData(
        external_id=_text(data.get("id"), "id", max_length=MAX_ID_LENGTH),
        email=_email(data.get("email")),
        customer_id=_text(customer_id, "customer id", max_length=MAX_ID_LENGTH, required=False),
        currency=_currency(data.get("currency")),
        total=total,
        paid_at=_moment(data.get("paid_at") or data.get("processed_at"), "paid_at"),
        lines=tuple(lines),
    )
    lines_total = sum((line.amount for line in order.lines), Decimal(0))
    if lines_total > order.total:
        raise Invalid(f"The lines add up to {lines_total}, more than the order total {order.total}.")
    return order


def parse_line(item: dict, *, prefix: str = "") -> LineData:
    sku = _text(item.get("sku"), f"{prefix}sku", max_length=64)
    quantity = _quantity(item.get("quantity"), f"{prefix}quantity")
    if "amount" in item:  # the line's total, as in the CSV export
        amount = money(item.get("amount"), f"{prefix}amount")
    else:
        amount = money(item.get("price"), f"{prefix}price") * quantity
        if amount > MAX_AMOUNT:
            raise Invalid(f"{prefix}price × quantity is too large.")
    return LineData(sku=sku, quantity=quantity, amount=amount)


def parse_refund(data) -> RefundData:
    """A "refund created" payload: ``id``, ``order_id``, ``amount``, optional ``currency``
    (must be the order's) and ``created_at`` (now when missing)."""
    if not isinstance(data, dict):
        raise Invalid("The refund must be a JSON object.")
    return RefundData(
        external_id=_text(data.get("id"), "id", max_length=MAX_ID_LENGTH),
        order_id=_text(data.get("order_id"), "order_id", max_length=MAX_ID_LENGTH),
        amount=money(data.get("amount"), "amount", positive=True),
        currency=_currency(data.get("currency"), required=False),
        created_at=_moment(data.get("created_at"), "created_at", default=timezone.now()),
    )
