"""Per-product data: ratings rebuilt from reviews, and purchase records (imported, or made
from the shop's paid orders)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum

from reviews.models import ProductRating, PurchaseRecord, Review
from shop.models import Order


def recompute_product_ratings() -> int:
    """Rebuild every ProductRating from visible reviews; returns how many rows drifted."""
    drifted = 0
    actual = {
        row["product_id"]: row for row in Review.objects.visible().values("product_id").annotate(
            count=Count("id"), total=Sum("rating"),
            **{f"stars_{n}": Count("id", filter=Q(rating=n)) for n in range(1, 6)})
    }
    existing = {r.product_id: r for r in ProductRating.objects.all()}
    for product_id in set(actual) | set(existing):
        want = actual.get(product_id, {"count": 0, "total": 0, **{f"stars_{n}": 0 for n in range(1, 6)}})
        row = existing.get(product_id) or ProductRating.objects.create(product_id=product_id)
        values = {k: want[k] or 0 for k in ["count", "total"] + [f"stars_{n}" for n in range(1, 6)]}
        if any(getattr(row, k) != v for k, v in values.items()):
            drifted += 1
            ProductRating.objects.filter(pk=product_id).update(**values)
    return drifted


def import_purchase_rows(rows: list[dict]) -> tuple[int, list[tuple[int, str]]]:
    """Validate and store purchase rows one by one. Returns (stored, [(line, reason)])."""
    from django.core.validators import validate_email

    stored, rejected = 0, []
    for line, row in enumerate(rows, start=2):
        email = (row.get("email") or "").strip().lower()
        sku = (row.get("sku") or "").strip()
        try:
            validate_email(email)
        except ValidationError:
            rejected.append((line, f"invalid email {email!r}"))
            continue
        if not sku or len(sku) > 64:
            rejected.append((line, "missing or too long SKU"))
            continue
        purchased_on = (row.get("purchased_on") or "").strip() or None
        if purchased_on:
            from datetime import date

            try:
                purchased_on = date.fromisoformat(purchased_on)
            except ValueError:
                rejected.append((line, f"purchased_on must be YYYY-MM-DD, not {purchased_on!r}"))
                continue
        _, created = PurchaseRecord.objects.get_or_create(
            email=email, sku=sku, defaults={"order_reference": (row.get("order_reference") or "")[:64],
                                            "purchased_on": purchased_on})
        if created:
            stored += 1
        else:
            rejected.append((line, f"duplicate purchase of {sku} by {email}"))
    return stored, rejected


def record_order_purchases(*, order_id: int) -> int:
    """Make the order's buyer a verified owner of each product the order matched: one
    purchase record per (email, SKU), so running it again (or for another order of the same
    product) adds nothing. Lines whose SKU matched no product make none. Returns how many
    records were created."""
    order = Order.objects.filter(pk=order_id).first()
    if order is None:
        return 0
    skus = sorted(set(order.lines.filter(product__isnull=False).values_list("product__sku", flat=True)))
    created = 0
    for sku in skus:
        try:
            with transaction.atomic():
                _, made = PurchaseRecord.objects.get_or_create(
                    email=order.email.strip().lower(), sku=sku,
                    defaults={"order_reference": order.external_id[:64],
                              "purchased_on": order.paid_at.date()})
        except IntegrityError:  # the same record made at the same moment: it exists now
            made = False
        created += made
    return created
