import datetime

from django.utils import timezone
from playwright.sync_api import expect

from badges.models import Challenge
from badges.services.ledger import record_event
from tests.factories import PASSWORD, UserFactory


def test_member_sees_points_and_a_badge_arrive_live_and_finds_the_reasons(
    new_page, live
):
    member, fan = UserFactory(username="juniper"), UserFactory(username="fan")
    Challenge.objects.create(
        title="Get your first like", kind="like_received", goal=1, reward_points=10,
        starts_at=timezone.now() - datetime.timedelta(hours=1),
        ends_at=timezone.now() + datetime.timedelta(days=7))
    page = new_page()
    from tests.browser.conftest import log_in

    log_in(page, "juniper", PASSWORD)
    page.goto("/u/juniper/")
    expect(page.locator("#achievements")).to_contain_text("No points yet.")
    expect(page.locator("html")).to_have_attribute("data-livewsnotifications", "open")

    # The member replies in a topic (the forum announces it; here the engine gets the event).
    live.call(lambda: record_event(kind="reply_created", user_id=member.pk, source_id=101))
    expect(page.locator("#notification-count")).to_have_text("1")
    expect(page.locator("#toasts")).to_contain_text("You earned the First Post badge")
    expect(page.locator("#member-points")).to_have_text("2")
    expect(page.locator("#member-badges")).to_contain_text("First Post")

    # Someone likes the reply: the like completes a challenge, worth 10 more points.
    live.call(lambda: record_event(kind="like_received", user_id=member.pk, source_id=101,
                                   actor_id=fan.pk))
    expect(page.locator("#notification-count")).to_have_text("2")
    expect(page.locator("#member-points")).to_have_text("13")
    history = page.locator("#points-history")
    expect(history).to_contain_text("Replied in a topic")
    expect(history).to_contain_text("A post of yours was liked")
    expect(history).to_contain_text("Completed a challenge")

    # The reasons are there on a plain reload too, and the leaderboard shows the member.
    page.reload()
    expect(page.locator("#points-history")).to_contain_text("+10")
    page.goto("/leaderboard/")
    expect(page.locator("#own-rank")).to_contain_text("#1")
    page.goto("/badges/")
    expect(page.locator("#badge-first-post")).to_contain_text("You have it")
    assert page.errors == []
