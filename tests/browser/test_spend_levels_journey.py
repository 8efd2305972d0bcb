"""Staff make levels follow spend in the last 12 months (Wagtail: Settings > Levels); a member
whose paid order earned few points sees the level their spend reaches, and how much more to
spend for the next one."""

import json
import time
from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from badges.models import LevelSettings
from shop.models import EarningRules
from shop.webhooks import SIGNATURE_HEADER, sign
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, UserFactory
from tests.shop.factories import SECRET, WEBHOOK_URL


def deliver(page, event_type: str, data: dict) -> None:
    body = json.dumps({"type": event_type, "data": data}).encode()
    response = page.request.post(WEBHOOK_URL, data=body, headers={
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(body, secret=SECRET, timestamp=int(time.time()))})
    assert response.ok, response.text()


def test_staff_switch_levels_to_spend_and_a_member_sees_their_new_level_and_spend_progress(
        new_page, live):
    UserFactory(username="boss", is_staff=True, is_superuser=True)
    rules = EarningRules.load()
    rules.points_per_unit = Decimal("0.5")  # 300.00 EUR earns 150 points: Bronze by points
    rules.save()
    marlow = UserFactory(username="marlow", display_name="Marlow Vance")

    member = new_page()
    log_in(member, "marlow", PASSWORD)
    deliver(member, "order.paid", {
        "id": "ORD-8001", "email": marlow.email, "customer": {"id": "cust-marlow"},
        "currency": "EUR", "total_price": "300.00", "paid_at": timezone.now().isoformat(),
        "line_items": []})
    member.goto("/rewards/levels/")
    expect(member.locator("#levels-basis")).to_contain_text("Levels come from your lifetime points")
    expect(member.locator("#viewer-level")).to_have_text("Bronze")
    expect(member.locator("#levels-to-next")).to_have_text("100 more points to reach Silver")

    # Staff choose spend in the last 12 months in Wagtail's settings.
    staff = new_page()
    log_in(staff, "boss", PASSWORD)
    staff.goto("/admin/settings/badges/levelsettings/")
    staff.locator("select[name=basis]").select_option(label="Spend in the last 12 months")
    staff.get_by_role("button", name="Save").first.click()
    expect(staff.locator(".messages")).to_contain_text("Levels updated.")
    assert LevelSettings.by_spend()

    # The member's 300.00 EUR spend makes them Silver, told as any level reached.
    member.goto("/rewards/levels/")
    expect(member.locator("#levels-basis")).to_contain_text(
        "Levels come from what you spent in our shop in the last 12 months")
    expect(member.locator("#viewer-level")).to_have_text("Silver")
    expect(member.locator("#viewer-figure")).to_have_text("300.00 EUR spent in the last 12 months")
    expect(member.locator("#levels-to-next")).to_have_text(
        "700.00 EUR more spent in 12 months to reach Gold")
    expect(member.locator(".level-list")).to_contain_text("from 1000.00 EUR spent in 12 months")
    member.goto("/points/")
    expect(member.locator("#points-level")).to_have_text("Silver")
    expect(member.locator("#lifetime-points")).to_have_text("150")
    member.goto("/notifications/")
    expect(member.locator("body")).to_contain_text(
        "You reached Silver level with 300.00 EUR spent in the last 12 months.")
    assert member.errors == [] and staff.errors == []
