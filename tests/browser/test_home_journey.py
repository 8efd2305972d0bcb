"""A member's home page knows them: their unread mentions, the ideas they support that
moved, their points with the next level and a reward within reach, and a challenge about to
end, each with why it is shown; each link takes them where it says."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from badges.models import Challenge
from ideas import services as idea_services
from tests.badges.conftest import restore_badge_defaults
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, BrandStaffFactory, UserFactory
from tests.forum.factories import make_reply, make_topic
from tests.ideas.factories import published_idea
from tests.rewards.factories import give_points, make_reward


def _world():
    """Ada's week: points, an idea she supports moved, a mention, a challenge ending."""
    restore_badge_defaults()
    ada = UserFactory(username="ada", display_name="Ada Byron")
    give_points(ada, 300)
    make_reward(title="Sticker pack", cost=200)
    idea = published_idea(title="A quieter grinder")
    idea_services.cast_support(user=ada, idea_id=idea.pk)
    idea_services.decide_idea(actor=BrandStaffFactory(), idea_id=idea.pk, to_status="archived",
                              comment="Folded into the grinder range.")
    topic = make_topic(title="Grinder settings for espresso")
    make_reply(topic, body="@ada knows the answer to this one")


def test_a_member_sees_what_changed_for_them_and_why(new_page, live, moderation_relaxed):  # noqa: PLR0915
    # Written as the server would (its thread), so live updates and tasks run as they do there.
    live.call(_world)
    now = timezone.now()
    Challenge.objects.create(title="Weekend helper", kind="reply_created", goal=3,
                             starts_at=now - datetime.timedelta(days=1),
                             ends_at=now + datetime.timedelta(days=2))

    page = new_page()
    log_in(page, "ada", PASSWORD)
    page.goto("/")
    mentions = page.get_by_role("region", name="Mentions of you")
    expect(mentions).to_contain_text("You were mentioned and have not read it yet.")
    moved = page.get_by_role("region", name="Ideas you support are moving")
    expect(moved.get_by_role("link", name="A quieter grinder")).to_be_visible()
    expect(moved).to_contain_text("Now Archived")
    points = page.get_by_role("region", name="Your points")
    expect(points).to_contain_text("You have 300 points to spend and are a Silver member.")
    expect(points.get_by_role("link", name="Sticker pack")).to_be_visible()
    expect(points).to_contain_text("It is within your 300 points.")
    challenges = page.get_by_role("region", name="Your challenges")
    expect(challenges).to_contain_text("It ends soon:")

    mentions.get_by_role("link").first.click()
    expect(page.get_by_role("heading", name="Grinder settings for espresso")).to_be_visible()
    page.goto("/")
    page.get_by_role("region", name="Your points").get_by_role("link", name="Sticker pack").click()
    expect(page.get_by_role("heading", name="Sticker pack")).to_be_visible()
