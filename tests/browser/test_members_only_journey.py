"""A members-only forum category in the browser: a member without access meets a missing
page and no trace of it; they redeem the early-access reward that opens it (through the
confirmation step), then find it, read it and post in it; brand staff always see it."""

import re

from django.contrib.auth.models import Group
from playwright.sync_api import expect

from forum import services as forum_services
from forum.models import Category
from rewards.models import Reward
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, BrandStaffFactory, UserFactory
from tests.moderation.factories import at_level
from tests.rewards.factories import give_points, make_reward

TITLE = "Trail Stove 2: first look for insiders"


def test_a_member_redeems_early_access_and_the_members_only_category_opens(new_page, live):
    group = Group.objects.create(name="Early access")
    lounge = Category.objects.create(name="Insiders lounge", slug="insiders-lounge",
                                     description="Products before launch.", members_group=group)
    Category.objects.create(name="Kitchen", slug="kitchen", description="Brewing.")
    staff = at_level(BrandStaffFactory(username="sam", display_name="Sam Okafor"), 2)
    topic = live.call(forum_services.start_topic, author=staff, category=lounge, title=TITLE,
                      body="Lighter, with a wider burner. Ask us anything.")
    make_reward(kind=Reward.Kind.EARLY_ACCESS, title="Early access to new products", cost=200,
                group=group, access_days=30)
    ivy = at_level(UserFactory(username="ivy", display_name="Ivy Chen"), 1)
    give_points(ivy, 250)

    # Without access the category does not exist for Ivy.
    page = new_page()
    log_in(page, "ivy", PASSWORD)
    page.goto("/forum/")
    expect(page.get_by_role("link", name="Kitchen")).to_be_visible()
    expect(page.get_by_text("Insiders lounge")).to_have_count(0)
    assert page.goto("/forum/c/insiders-lounge/").status == 404
    assert page.goto(topic.get_absolute_url()).status == 404

    # The catalogue says what the reward opens; she redeems it through the confirmation step.
    page.goto("/rewards/")
    card = page.locator(".reward-card", has_text="Early access to new products")
    expect(card).to_contain_text("Opens the members-only forum category “Insiders lounge” for 30 days")
    card.get_by_role("link", name="Early access to new products").click()
    page.get_by_role("link", name="Redeem for 200 points").click()
    page.get_by_role("button", name="Confirm and redeem").click()
    expect(page).to_have_url(re.compile(r"/rewards/mine/#redemption-\d+$"))

    # Now the lounge is hers: listed, open, with what opened it, and she can post.
    page.goto("/forum/")
    page.get_by_role("link", name="Insiders lounge").click()
    expect(page.locator("#members-only")).to_have_text(
        "Members only: opened by Early access to new products.")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_label("Your reply").fill("Does the simmer ring fit the old stove too?")
    page.get_by_role("button", name="Post reply").click()
    expect(page.locator("#post-2")).to_contain_text("Does the simmer ring fit")

    # Brand staff see it whatever groups they are in.
    team = new_page()
    log_in(team, "sam", PASSWORD)
    team.goto("/forum/c/insiders-lounge/")
    expect(team.get_by_role("link", name=TITLE)).to_be_visible()
    assert page.errors == [] and team.errors == []
