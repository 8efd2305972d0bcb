import re

from playwright.sync_api import expect

from badges.models import PointsEntry
from forum import services as forum_services
from forum.models import Category
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, UserFactory
from tests.moderation.factories import at_level

TITLE = "Grinder jams on the finest setting"


def test_a_reply_liked_in_the_browser_brings_points_a_badge_and_the_reasons_live(new_page, live):
    # Members past their first steps (TL1): new members' posts wait for approval.
    at_level(UserFactory(username="juniper", display_name="Juniper Ray"), 1)
    fan = at_level(UserFactory(username="fan", display_name="Fan Okafor"), 1)
    kitchen = Category.objects.create(name="Kitchen", slug="kitchen", description="Brewing.")
    # Started as the server would, so its live events go through the server's channel layer.
    live.call(forum_services.start_topic, author=fan, category=kitchen, title=TITLE,
              body="It stops after a second on setting 1. Anyone else?")

    # A keeps their profile open in one tab and replies in another.
    profile = new_page()
    log_in(profile, "juniper", PASSWORD)
    profile.goto("/u/juniper/")
    expect(profile.locator("#achievements")).to_contain_text("No points yet.")
    expect(profile.locator("html")).to_have_attribute("data-livewsnotifications", "open")
    topic = profile.context.new_page()
    topic.errors = []
    topic.on("pageerror", lambda error: topic.errors.append(str(error)))
    topic.goto("/forum/c/kitchen/")
    topic.get_by_role("link", name=TITLE).click()
    expect(topic.locator("html")).to_have_attribute("data-livewsnotifications", "open")
    topic.get_by_label("Your reply").fill("Clean the burrs: old oil makes them stick.")
    topic.get_by_role("button", name="Post reply").click()
    expect(topic.locator("#post-2")).to_contain_text("Clean the burrs")
    # The points for the reply show on the page the form led to, once.
    expect(topic.locator("#toasts")).to_contain_text("+2 points: Replied in a topic")
    expect(topic.locator("#toasts .toast", has_text="points")).to_have_count(1)

    # The First Post badge arrives live on the profile: toast, bell, points and badge list.
    expect(profile.locator("#toasts")).to_contain_text("You earned the First Post badge")
    expect(profile.locator("#notification-count")).to_have_text("1")
    expect(profile.locator("#member-points")).to_have_text("2")
    expect(profile.locator("#member-badges")).to_contain_text("First Post")

    # B likes the reply in the browser; A's open profile moves to 3 points without a reload.
    fan_page = new_page()
    log_in(fan_page, "fan", PASSWORD)
    fan_page.goto("/forum/c/kitchen/")
    fan_page.get_by_role("link", name=TITLE).click()
    fan_page.locator("#post-2").get_by_role("button", name=re.compile("Like this post")).click()
    expect(fan_page.locator("#post-2").get_by_role(
        "button", name=re.compile("Withdraw your like"))).to_be_visible()
    expect(profile.locator("#member-points")).to_have_text("3")
    history = profile.locator("#points-history")
    expect(history).to_contain_text("A post of yours was liked")
    expect(history).to_contain_text("Replied in a topic")

    # The ledger lines with their reasons are there on a plain reload too.
    juniper = profile
    topic.close()
    juniper.reload()
    rows = juniper.locator("#points-history tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("A post of yours was liked")
    expect(rows.first).to_contain_text("+1")
    expect(rows.last).to_contain_text("+2")

    # The leaderboard shows both members with their points.
    juniper.goto("/leaderboard/")
    board = juniper.locator("table")
    expect(board).to_contain_text("Juniper Ray")
    expect(board).to_contain_text("Fan Okafor")
    expect(juniper.locator("#own-rank")).to_contain_text("3 points")
    juniper.goto("/badges/")
    expect(juniper.locator("#badge-first-post")).to_contain_text("You have it")

    assert list(PointsEntry.objects.filter(user__username="juniper").order_by("pk")
                .values_list("reason", "points")) == [("reply_created", 2), ("like_received", 1)]
    assert juniper.errors == [] and topic.errors == [] and fan_page.errors == []
