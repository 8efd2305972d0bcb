"""Orders arriving from the brand's store (imported or through the signed webhook).

An order is stored once per external order id, with the points it earns worked out when it
arrives (so a later change of the earning rules never changes what an order earned). Refunds
are stored once per external refund id, each with the share of the order's points it takes
back. Money is Decimal with an ISO currency code; points are whole numbers.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.models import Orderable

MONEY = {"max_digits": 12, "decimal_places": 2}


def default_points_per_unit() -> Decimal:
    """The rate until staff set one: ``HEARTH_SHOP_POINTS_PER_UNIT`` (1 by default)."""
    try:
        return Decimal(str(settings.HEARTH_SHOP_POINTS_PER_UNIT))
    except ArithmeticError:
        return Decimal(1)


@register_setting(icon="tag")
class EarningRules(ClusterableModel, BaseGenericSetting):
    """How many points a purchase earns: ``points_per_unit`` for each unit of currency a line
    costs, times the multiplier of the product's category (1 when it has none)."""

    points_per_unit = models.DecimalField(
        max_digits=8, decimal_places=2, default=default_points_per_unit,
        help_text="Points for each unit of currency spent (e.g. 1 point per euro).")

    panels = [FieldPanel("points_per_unit"), InlinePanel("multipliers", label="Category multipliers")]

    class Meta:
        verbose_name = "points for purchases"
        constraints = [models.CheckConstraint(condition=Q(points_per_unit__gte=0),
                                              name="shop_points_per_unit_not_negative")]


class CategoryMultiplier(Orderable):
    """Products of ``category`` earn ``multiplier`` times the usual points (2 = double)."""

    rules = ParentalKey(EarningRules, on_delete=models.CASCADE, related_name="multipliers")
    category = models.ForeignKey("community.ProductCategory", on_delete=models.CASCADE,
                                 related_name="+")
    multiplier = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal(1))

    panels = [FieldPanel("category"), FieldPanel("multiplier")]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(fields=["rules", "category"], name="shop_one_multiplier_per_category"),
            models.CheckConstraint(condition=Q(multiplier__gte=0), name="shop_multiplier_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.category} × {self.multiplier}"


class Order(models.Model):
    class Status(models.TextChoices):
        PAID = "paid", "Paid"
        PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"
        REFUNDED = "refunded", "Refunded"

    class Source(models.TextChoices):
        IMPORT = "import", "Imported"
        WEBHOOK = "webhook", "Webhook"

    external_id = models.CharField("order id in the store", max_length=64, unique=True)
    member = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="shop_orders")
    # Stored lower-case: matched against members' verified addresses.
    email = models.EmailField()
    customer_id = models.CharField("customer id in the store", max_length=64, blank=True)
    currency = models.CharField(max_length=3)
    total = models.DecimalField(**MONEY)
    refunded = models.DecimalField(**MONEY, default=Decimal(0))
    paid_at = models.DateTimeField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PAID)
    points = models.PositiveIntegerField(default=0, help_text="What the order earns.")
    source = models.CharField(max_length=10, choices=Source.choices)
    # When order_paid was sent for it (it is sent once, when the order is attributed).
    announced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-paid_at", "-id"]
        indexes = [models.Index(fields=["email"], name="shop_order_email",
                                condition=Q(member__isnull=True))]
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=0), name="shop_order_total_not_negative"),
            models.CheckConstraint(condition=Q(refunded__gte=0) & Q(refunded__lte=models.F("total")),
                                   name="shop_order_refunded_within_total"),
        ]

    def __str__(self) -> str:
        return f"Order {self.external_id}"


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    sku = models.CharField("SKU", max_length=64)
    product = models.ForeignKey("community.ProductPage", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    quantity = models.PositiveIntegerField()
    amount = models.DecimalField(**MONEY, help_text="What the line cost in all.")
    points = models.PositiveIntegerField(default=0)
    # Why the line earned nothing or matched no product (an unknown SKU), for staff.
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="shop_line_amount_not_negative"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="shop_line_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.sku}"


class Refund(models.Model):
    external_id = models.CharField("refund id in the store", max_length=64, unique=True)
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(**MONEY)
    # The share of the order's points this refund takes back.
    points = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    # When order_refunded was sent for it (at once for an attributed order, else with order_paid).
    announced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="shop_refund_amount_positive")]

    def __str__(self) -> str:
        return f"Refund {self.external_id}"
