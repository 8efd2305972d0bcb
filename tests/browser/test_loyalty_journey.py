import json
import re
import time

from playwright.sync_api import expect

from forum import services as forum_services
from forum.models import Category
from rewards.models import Redemption, Reward
from rewards.services.redemption import Choice, redeem
from shop.webhooks import SIGNATURE_HEADER, sign
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, BrandStaffFactory, UserFactory
from tests.moderation.factories import at_level
from tests.rewards.factories import ADDRESS, give_points, key, level, make_pool, make_reward
from tests.shop.factories import SECRET, WEBHOOK_URL

TITLE = "Grinder jams on the finest setting"


def deliver(page, event_type: str, data: dict) -> None:
    """POST a delivery signed with the test settings' secret, as the store does."""
    body = json.dumps({"type": event_type, "data": data}).encode()
    response = page.request.post(WEBHOOK_URL, data=body, headers={
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(body, secret=SECRET, timestamp=int(time.time()))})
    assert response.ok, response.text()


def test_a_member_earns_by_posting_and_ordering_redeems_a_code_and_loses_a_refunded_orders_points(
        new_page, live):
    juniper = at_level(UserFactory(username="juniper", display_name="Juniper Ray"), 1)
    fan = at_level(UserFactory(username="fan", display_name="Fan Okafor"), 1)
    kitchen = Category.objects.create(name="Kitchen", slug="kitchen", description="Brewing.")
    live.call(forum_services.start_topic, author=fan, category=kitchen, title=TITLE,
              body="It stops after a second on setting 1. Anyone else?")
    pool = make_pool(codes=3, prefix="TENOFF")
    make_reward(title="10 EUR off your next order", cost=100, code_pool=pool)
    kettle = make_reward(kind=Reward.Kind.GIFT, title="Copper Ember Kettle", cost=50, stock=5,
                         min_level=level("Gold"))

    # Juniper earns points by replying in the forum...
    page = new_page()
    log_in(page, "juniper", PASSWORD)
    page.goto("/forum/c/kitchen/")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_label("Your reply").fill("Clean the burrs: old oil makes them stick.")
    page.get_by_role("button", name="Post reply").click()
    expect(page.locator("#post-2")).to_contain_text("Clean the burrs")

    # ...and by an order the store announces through its signed webhook.
    deliver(page, "order.paid", {
        "id": "ORD-7001", "email": juniper.email, "customer": {"id": "cust-juniper"},
        "currency": "EUR", "total_price": "120.00", "paid_at": "2026-12-01T09:30:00Z",
        "line_items": []})

    page.goto("/points/")
    expect(page.locator("#spendable-points")).to_have_text("122")
    expect(page.locator("#lifetime-points")).to_have_text("122")
    history = page.locator("#own-points-history")
    expect(history).to_contain_text("Points for an order")
    expect(history).to_contain_text("Order ORD-7001")
    expect(history).to_contain_text("Replied in a topic")

    # She redeems a discount code through the confirmation step.
    page.goto("/rewards/")
    page.get_by_role("link", name="10 EUR off your next order").click()
    page.get_by_role("link", name="Redeem for 100 points").click()
    expect(page.locator("#confirm-cost")).to_have_text("100 points")
    expect(page.locator("#confirm-balance")).to_have_text("122")
    expect(page.locator("#confirm-after")).to_have_text("22")
    page.get_by_role("button", name="Confirm and redeem").click()
    expect(page).to_have_url(re.compile(r"/rewards/mine/#redemption-\d+$"))
    expect(page.locator("#my-rewards")).to_contain_text("10 EUR off your next order")
    expect(page.locator("#my-rewards .reward-code")).to_have_text("TENOFF-0000")

    # A Bronze member is refused the Gold reward, with the reason.
    page.goto(kettle.get_absolute_url())
    expect(page.locator("#reward-refusal")).to_have_text(
        "For Gold members and above; you are Bronze.")
    expect(page.get_by_role("link", name=re.compile("Redeem for"))).to_have_count(0)

    # The store refunds the order: its points are taken back.
    deliver(page, "refund.created", {"id": "REF-7001", "order_id": "ORD-7001",
                                     "amount": "120.00", "currency": "EUR"})
    page.goto("/points/")
    expect(page.locator("#lifetime-points")).to_have_text("2")
    expect(history).to_contain_text("Order refunded")
    expect(history).to_contain_text("Refund of order ORD-7001")
    assert Redemption.objects.filter(member=juniper).count() == 1
    assert page.errors == []


def test_brand_staff_ship_one_gift_and_cancel_another_whose_points_come_back(new_page, live):
    ada = UserFactory(username="ada", display_name="Ada Lovelace")
    BrandStaffFactory(username="sam", display_name="Sam Okafor")
    give_points(ada, 500)
    mug = make_reward(kind=Reward.Kind.GIFT, title="Hearth enamel mug", cost=150, stock=10)
    first, second = (live.call(redeem, member=ada, reward_id=mug.pk, idempotency_key=key(),
                               choice=Choice(address=ADDRESS)) for _ in range(2))

    staff = new_page()
    log_in(staff, "sam", PASSWORD)
    staff.goto("/rewards/staff/")
    shipped = staff.locator(f"#redemption-{first.pk}")
    expect(shipped).to_contain_text("1 Kettle Lane")
    shipped.get_by_label("Tracking note").fill("PostNL 3SABC123456789")
    shipped.get_by_role("button", name="Mark shipped").click()
    expect(staff.get_by_text("Marked as shipped; the member is told.")).to_be_visible()
    cancelled = staff.locator(f"#redemption-{second.pk}")
    cancelled.get_by_label("Why cancel").fill("The mug broke in the warehouse.")
    cancelled.get_by_role("button", name="Cancel and refund 150 points").click()
    expect(staff.get_by_text("Cancelled; 150 points went back to the member.")).to_be_visible()
    expect(staff.locator("#fulfilment-queue")).to_have_count(0)

    member = new_page()
    log_in(member, "ada", PASSWORD)
    member.goto("/rewards/mine/")
    expect(member.locator(f"#redemption-{first.pk}")).to_contain_text("PostNL 3SABC123456789")
    expect(member.locator(f"#redemption-{second.pk}")).to_contain_text("Cancelled, points refunded")
    member.goto("/points/")
    expect(member.locator("#spendable-points")).to_have_text("350")
    expect(member.locator("#own-points-history")).to_contain_text("Cancelled: Hearth enamel mug")
    assert staff.errors == [] and member.errors == []
