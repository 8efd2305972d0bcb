"""Demo rewards: a catalogue with one reward of each kind (and one reserved for Gold members),
the levels' perks, spendable points for the demo members and a few redemptions, among them
gifts waiting in the staff fulfilment queue.

Points for the demo orders are given with the same key the points engine uses for the shop's
``order_paid`` (member, "order_paid", the order), so when the engine hears of the orders it
finds them given already. Catalogue rows are found by name, staff grants by their reason and
redemptions by their idempotency key, so running it again adds nothing."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import Group

from badges.models import Level, PointsAdjustment
from badges.services.wallet import award_points
from community.refusals import Refusal
from rewards.adjustments import adjust_member_points
from rewards.models import Cause, CodePool, LevelPerk, Redemption, Reward
from rewards.services.codes import generate_codes
from rewards.services.redemption import Choice, redeem

EARLY_ACCESS_GROUP = "Early access"
POOL_SIZE = 25
PERKS = {
    "Bronze": "Spend your points in the rewards catalogue.",
    "Silver": "Early access to new products before launch.",
    "Gold": "Gold-only rewards, such as the copper Ember Kettle.",
    "Platinum": "Everything Gold has, and a say in what we make next.",
}
# username, points, reason the member reads (a staff grant by the brand's customer care)
GRANTS = [
    ("erin", 200, "Welcome to the rewards programme"),
    ("dan", 300, "Thank you for testing the Trail Stove before launch"),
]
ADDRESS = {"ship_address": "12 Harbour Street", "ship_postcode": "1011 AB",
           "ship_city": "Amsterdam", "ship_country": "Netherlands"}


def seed(log, context) -> dict:
    members = context["members"]
    staff = members.get("sam")
    if staff is None or "alice" not in members:
        return {}
    catalogue = _catalogue(staff)
    _perks()
    _order_points(context.get("demo_orders", {}))
    for username, points, reason in GRANTS:
        member = members.get(username)
        if member and not PointsAdjustment.objects.filter(user=member, reason=reason).exists():
            adjust_member_points(actor=staff, username=username, points=points, reason=reason)
    # username, reward, idempotency key, choice
    plan = [
        ("alice", "code", "demo-alice-code", Choice()),
        ("alice", "gift", "demo-alice-gift", Choice(address={"ship_name": "Alice Moreau", **ADDRESS})),
        ("bob", "gift", "demo-bob-gift", Choice(address={"ship_name": "Bob Tanaka", **ADDRESS})),
        ("carol", "donation", "demo-carol-trees", Choice()),
        ("dan", "incremental", "demo-dan-discount", Choice(points=300)),
    ]
    for username, reward, key, choice in plan:
        member = members.get(username)
        if member is None:
            continue
        try:
            redeem(member=member, reward_id=catalogue[reward].pk, idempotency_key=key, choice=choice)
        except Refusal as refusal:
            log(f"rewards: {username} could not redeem {catalogue[reward]}: {refusal}")
    pending = Redemption.objects.filter(state=Redemption.State.PENDING).count()
    log(f"rewards: {len(catalogue)} rewards, {Redemption.objects.count()} redemptions "
        f"({pending} gifts to ship)")
    return {"rewards": catalogue}


def _catalogue(staff) -> dict[str, Reward]:
    pool, _ = CodePool.objects.get_or_create(name="Ten euros off", defaults={"prefix": "HEARTH10"})
    if not pool.codes.exists():
        generate_codes(actor=staff, pool=pool, count=POOL_SIZE)
    cause, _ = Cause.objects.get_or_create(slug="trees-for-trails", defaults={
        "name": "Trees for Trails",
        "description": "Every donation plants trees along the hiking trails our members love.",
        "website": "https://example.org/trees-for-trails"})
    group, _ = Group.objects.get_or_create(name=EARLY_ACCESS_GROUP)
    gold = Level.objects.filter(name="Gold").first()
    specs = {
        "code": ("10 EUR off your next order", {
            "kind": Reward.Kind.DISCOUNT_CODE, "cost": 300, "discount": Reward.Discount.AMOUNT,
            "value": Decimal("10.00"), "code_pool": pool,
            "description": "A single-use code for 10 EUR off any order in the store."}),
        "incremental": ("Points off your order", {
            "kind": Reward.Kind.INCREMENTAL, "cost": 100, "discount": Reward.Discount.AMOUNT,
            "value": Decimal("1.00"), "min_steps": 1, "max_steps": 50,
            "description": "Choose how many points to spend: every 100 points take 1 EUR off."}),
        "gift": ("Hearth enamel mug", {
            "kind": Reward.Kind.GIFT, "cost": 150, "stock": 20, "per_member_limit": 1,
            "description": "Our camp mug in cream enamel, shipped to your door."}),
        "early_access": ("Early access to new products", {
            "kind": Reward.Kind.EARLY_ACCESS, "cost": 200, "group": group, "access_days": 30,
            "description": "See and discuss new products a month before launch."}),
        "donation": ("Plant a tree", {
            "kind": Reward.Kind.DONATION, "cost": 100, "value": Decimal("2.00"), "cause": cause,
            "description": "Your points become a 2 EUR donation to Trees for Trails."}),
        "gold": ("Copper Ember Kettle", {
            "kind": Reward.Kind.GIFT, "cost": 1000, "stock": 5, "per_member_limit": 1,
            "min_level": gold,
            "description": "A limited copper edition of the Ember Kettle, for Gold members."}),
    }
    return {name: Reward.objects.get_or_create(title=title, defaults=fields)[0]
            for name, (title, fields) in specs.items()}


def _perks() -> None:
    for level in Level.objects.filter(name__in=PERKS):
        LevelPerk.objects.get_or_create(level=level, defaults={"description": PERKS[level.name]})


def _order_points(orders: dict) -> None:
    """The points of the demo orders now, so the members can spend them in this demo."""
    for external_id, order in orders.items():
        if order.member_id and order.points > 0:
            award_points(user_id=order.member_id, points=order.points, reason="order_paid",
                         source_label="shop.order", source_id=order.pk,
                         note=f"Order {external_id}")
