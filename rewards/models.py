"""The spending side of the loyalty programme: the rewards catalogue and redemptions.

Staff edit rewards, causes, code pools and level perks in Wagtail (snippets); members redeem
through ``rewards.services.redemption``, which spends their points through the ledger's API
(``badges.services.wallet``) in the same transaction as the redemption row.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.search import index

MONEY = {"max_digits": 12, "decimal_places": 2}


def default_currency() -> str:
    return settings.HEARTH_REWARDS_CURRENCY


class Cause(index.Indexed, models.Model):
    """A good cause members can donate points to. Its running total is the sum of the
    donations made to it (never a stored copy)."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True, help_text="Shown on the cause's public page.")
    image = models.ForeignKey("wagtailimages.Image", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    website = models.URLField(blank=True)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description"),
              FieldPanel("image"), FieldPanel("website")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("rewards:cause", kwargs={"cause_slug": self.slug})


class CodePool(index.Indexed, models.Model):
    """Single-use discount codes for one kind of discount, imported from the shop as CSV or
    generated with a prefix. Staff are warned when fewer than ``low_threshold`` are left."""

    name = models.CharField(max_length=120, unique=True)
    prefix = models.CharField(max_length=20, blank=True,
                              help_text="Codes generated for this pool start with it, e.g. HEARTH10.")
    low_threshold = models.PositiveIntegerField(
        null=True, blank=True,
        help_text="Warn staff when fewer codes than this are left (blank: the site's default).")

    panels = [FieldPanel("name"), FieldPanel("prefix"), FieldPanel("low_threshold")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def threshold(self) -> int:
        if self.low_threshold is not None:
            return self.low_threshold
        return settings.HEARTH_REWARDS_POOL_LOW_THRESHOLD


class DiscountCode(models.Model):
    """One single-use code; it belongs to the redemption it was given to (at most one)."""

    pool = models.ForeignKey(CodePool, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(max_length=64)
    redemption = models.OneToOneField("Redemption", null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="pool_code")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pool", "code"], name="rewards_code_once_per_pool")]
        # The redemption takes the pool's first free code in id order: with the id in the
        # index that is one index step, not a sort of every free code.
        indexes = [models.Index(fields=["pool", "id"], condition=Q(redemption__isnull=True),
                                name="rewards_code_free")]

    def __str__(self) -> str:
        return self.code


class Reward(index.Indexed, models.Model):
    """A reward of the catalogue. What the kind needs is checked by ``clean``."""

    class Kind(models.TextChoices):
        DISCOUNT_CODE = "discount_code", "Discount code"
        INCREMENTAL = "incremental", "Discount you choose (points in steps)"
        GIFT = "gift", "Physical gift"
        EARLY_ACCESS = "early_access", "Early access"
        DONATION = "donation", "Donation to a cause"

    class Discount(models.TextChoices):
        AMOUNT = "amount", "Amount off"
        PERCENT = "percent", "Percent off"
        FREE_SHIPPING = "free_shipping", "Free shipping"

    title = models.CharField(max_length=120)
    description = models.TextField(blank=True, help_text="What the member gets, in plain words.")
    image = models.ForeignKey("wagtailimages.Image", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.DISCOUNT_CODE)
    cost = models.PositiveIntegerField(
        validators=[MinValueValidator(0)],
        help_text="Points it costs. For a discount the member chooses: the points of one step.")
    live = models.BooleanField(default=True, help_text="Untick to take it out of the catalogue.")
    starts_at = models.DateTimeField(null=True, blank=True, help_text="Blank: available now.")
    ends_at = models.DateTimeField(null=True, blank=True, help_text="Blank: no end.")
    stock = models.PositiveIntegerField(null=True, blank=True,
                                        help_text="How many are left; blank for no limit.")
    per_member_limit = models.PositiveIntegerField(
        null=True, blank=True, help_text="How many times one member may redeem it; blank for no limit.")
    min_level = models.ForeignKey("badges.Level", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", help_text="Reserved for this level and above.")
    # Discount codes
    discount = models.CharField(max_length=20, choices=Discount.choices, blank=True)
    value = models.DecimalField(**MONEY, null=True, blank=True,
                                help_text="Amount or percent off; for a discount the member "
                                          "chooses, the amount of one step.")
    currency = models.CharField(max_length=3, default=default_currency)
    code_pool = models.ForeignKey(CodePool, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="rewards")
    # Incremental discounts: the member spends between min_steps and max_steps steps.
    min_steps = models.PositiveIntegerField(default=1)
    max_steps = models.PositiveIntegerField(null=True, blank=True)
    # Early access
    group = models.ForeignKey("auth.Group", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", help_text="The group whose permissions open it.")
    access_days = models.PositiveIntegerField(null=True, blank=True)
    # Donations
    cause = models.ForeignKey(Cause, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="rewards")

    panels = [
        FieldPanel("title"), FieldPanel("description"), FieldPanel("image"), FieldPanel("kind"),
        FieldPanel("cost"), FieldPanel("live"),
        MultiFieldPanel([FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
                         FieldRowPanel([FieldPanel("stock"), FieldPanel("per_member_limit")]),
                         FieldPanel("min_level")], heading="Availability"),
        MultiFieldPanel([FieldRowPanel([FieldPanel("discount"), FieldPanel("value"),
                                        FieldPanel("currency")]),
                         FieldPanel("code_pool"),
                         FieldRowPanel([FieldPanel("min_steps"), FieldPanel("max_steps")])],
                        heading="Discounts"),
        MultiFieldPanel([FieldPanel("group"), FieldPanel("access_days")], heading="Early access"),
        MultiFieldPanel([FieldPanel("cause")], heading="Donation"),
    ]
    search_fields = [index.SearchField("title"), index.AutocompleteField("title"),
                     index.FilterField("kind")]

    class Meta:
        ordering = ["cost", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__isnull=True) | Q(starts_at__isnull=True)
                                   | Q(ends_at__gt=models.F("starts_at")),
                                   name="rewards_window_ends_after_start"),
            models.CheckConstraint(condition=Q(max_steps__isnull=True)
                                   | Q(max_steps__gte=models.F("min_steps")),
                                   name="rewards_steps_in_order"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("rewards:detail", kwargs={"reward_id": self.pk})

    def clean(self):
        errors = {}
        kind = self.kind
        if kind in (self.Kind.DISCOUNT_CODE, self.Kind.INCREMENTAL) and not self.discount:
            errors["discount"] = "Choose what the discount takes off."
        if self.discount in (self.Discount.AMOUNT, self.Discount.PERCENT) and not self.value:
            errors["value"] = "Enter the amount or percent off."
        if self.discount == self.Discount.PERCENT and self.value and self.value > 100:
            errors["value"] = "A percent off is at most 100."
        if kind == self.Kind.DISCOUNT_CODE and not self.code_pool_id:
            errors["code_pool"] = "Choose the pool its codes come from."
        if kind == self.Kind.INCREMENTAL:
            if self.discount != self.Discount.AMOUNT:
                errors["discount"] = "A discount the member chooses is an amount off per step."
            if not self.cost:
                errors["cost"] = "Enter the points of one step."
        if kind == self.Kind.EARLY_ACCESS:
            if not self.group_id:
                errors["group"] = "Choose the group that opens the early access."
            if not self.access_days:
                errors["access_days"] = "Enter for how many days the access lasts."
        if kind == self.Kind.DONATION:
            if not self.cause_id:
                errors["cause"] = "Choose the cause the points go to."
            if not self.value:
                errors["value"] = "Enter the amount each donation gives the cause."
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = "The end must be after the start."
        if self.max_steps is not None and self.max_steps < self.min_steps:
            errors["max_steps"] = "The most steps must be at least the fewest."
        if errors:
            raise ValidationError(errors)

    def available_at(self, now) -> bool:
        return (self.live and (self.starts_at is None or self.starts_at <= now)
                and (self.ends_at is None or now < self.ends_at))

    @property
    def is_incremental(self) -> bool:
        return self.kind == self.Kind.INCREMENTAL

    @property
    def value_label(self) -> str:
        """What the discount or donation is worth, in words ("5.00 EUR off")."""
        if self.discount == self.Discount.FREE_SHIPPING:
            return "Free shipping"
        if self.discount == self.Discount.PERCENT and self.value is not None:
            return f"{self.value.normalize():f}% off"
        if self.kind == self.Kind.INCREMENTAL and self.value is not None:
            return f"{self.value} {self.currency} off per {self.cost:,} points"
        if self.kind == self.Kind.DONATION and self.value is not None:
            return f"{self.value} {self.currency} to {self.cause}" if self.cause_id else ""
        if self.value is not None and self.discount == self.Discount.AMOUNT:
            return f"{self.value} {self.currency} off"
        return ""

    def steps_range(self) -> tuple[int, int | None]:
        return self.min_steps, self.max_steps


class LevelPerk(models.Model):
    """What reaching a level unlocks: words for the levels page and, optionally, a reward
    issued for free to each member who reaches it."""

    level = models.OneToOneField("badges.Level", on_delete=models.CASCADE, related_name="+")
    description = models.TextField(blank=True, help_text="What this level unlocks, for members.")
    entry_reward = models.ForeignKey(Reward, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+",
                                     help_text="Issued for free when a member reaches the level.")

    panels = [FieldPanel("level"), FieldPanel("description"), FieldPanel("entry_reward")]

    class Meta:
        verbose_name = "level perk"

    def __str__(self) -> str:
        return f"Perks of {self.level.name}" if self.level_id else "Level perk"


class Redemption(models.Model):
    """One reward redeemed by one member. Unique per (member, idempotency key): a retried or
    doubled POST finds the first one."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to be shipped"
        ISSUED = "issued", "Issued"
        SHIPPED = "shipped", "Shipped"
        CANCELLED = "cancelled", "Cancelled, points refunded"
        EXPIRED = "expired", "Access ended"

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="redemptions")
    reward = models.ForeignKey(Reward, on_delete=models.PROTECT, related_name="redemptions")
    idempotency_key = models.CharField(max_length=64)
    state = models.CharField(max_length=12, choices=State.choices, default=State.ISSUED)
    points = models.PositiveIntegerField(default=0, help_text="What it cost (0 when free).")
    amount = models.DecimalField(**MONEY, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    code = models.CharField(max_length=64, blank=True)
    spend_entry_id = models.BigIntegerField(null=True, blank=True)
    ship_name = models.CharField(max_length=120, blank=True)
    ship_address = models.TextField(blank=True)
    ship_postcode = models.CharField(max_length=20, blank=True)
    ship_city = models.CharField(max_length=80, blank=True)
    ship_country = models.CharField(max_length=80, blank=True)
    tracking_note = models.CharField(max_length=300, blank=True)
    access_until = models.DateTimeField(null=True, blank=True)
    group_was_held = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["member", "idempotency_key"],
                                    name="rewards_redemption_once_per_key"),
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gte=Decimal("0")),
                                   name="rewards_amount_not_negative"),
        ]
        indexes = [
            models.Index(fields=["member", "reward"], name="rewards_member_reward"),
            models.Index(fields=["state", "created_at"], name="rewards_state_created"),
        ]

    def __str__(self) -> str:
        return f"{self.reward} for {self.member}"

    @property
    def is_cancelled(self) -> bool:
        return self.state == self.State.CANCELLED
