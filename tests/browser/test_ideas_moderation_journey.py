"""Moderation of ideas in the browser: a flagged idea comment hidden from the queue, and a
new member's idea held for approval until a community manager approves it."""

import pytest
from playwright.sync_api import expect

from ideas import services
from ideas.models import Idea
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, CommunityManagerFactory, UserFactory
from tests.ideas.factories import ensure_default_ladder, published_idea
from tests.moderation.factories import at_level, restore_migration_data


@pytest.fixture(autouse=True)
def _data_from_migrations(transactional_db, settings):
    restore_migration_data()
    ensure_default_ladder()
    settings.HEARTH_IDEAS_SIMILARITY = "text"


def test_a_customer_flags_an_idea_comment_a_manager_hides_it_and_the_author_sees_why(new_page, live):
    CommunityManagerFactory(username="maya", display_name="Maya Lindqvist")
    alice = at_level(UserFactory(username="alice", display_name="Alice Moreau"), 1)
    dan = UserFactory(username="dan", display_name="Dan Okafor")
    idea = live.call(published_idea, title="A kettle that remembers my favourite temperature")
    comment = live.call(services.add_comment, author=dan, idea_id=idea.pk,
                        body="Whoever wants this has no taste at all.")
    idea_url = idea.get_absolute_url()

    # Dan watches his notifications live.
    dan_page = new_page()
    log_in(dan_page, "dan", PASSWORD)
    dan_page.goto("/notifications/")
    expect(dan_page.locator("html")).to_have_attribute("data-livewsnotifications", "open")

    # Alice flags the comment from the idea page (no flag on the idea itself is needed).
    alice_page = new_page()
    log_in(alice_page, alice.username, PASSWORD)
    alice_page.goto(idea_url)
    box = alice_page.locator(f"#comment-{comment.pk}")
    box.get_by_text("Flag this idea comment").click()
    box.get_by_label("Abusive or harassing").check()
    box.get_by_role("button", name="Send flag").click()
    expect(alice_page.get_by_text("Thanks: the community managers will look at it.")).to_be_visible()
    # One flag does not hide it.
    expect(alice_page.get_by_text("has no taste at all")).to_be_visible()

    # Maya hides it from the queue with a reason.
    maya = new_page()
    log_in(maya, "maya", PASSWORD)
    maya.goto("/moderation/")
    item = maya.locator(".queue-item").filter(has_text="has no taste at all")
    expect(item).to_contain_text("Idea comment by Dan Okafor")
    expect(item).to_contain_text("Abusive or harassing (1.00) by @alice")
    item.get_by_label("Reason for hiding").fill("Insulting other members is not allowed")
    item.get_by_role("button", name="Hide").click()
    expect(maya.get_by_text("Hidden. The author has been told why.")).to_be_visible()

    # Dan is told live, and sees his comment marked with the reason; others no longer see it.
    expect(dan_page.locator("#notification-list")).to_contain_text("Insulting other members is not allowed")
    dan_page.goto(idea_url)
    notice = dan_page.locator(f"#comment-{comment.pk} .comment-moderation-notice")
    expect(notice).to_contain_text("Your comment is hidden from other members: Insulting other members")
    alice_page.goto(idea_url)
    expect(alice_page.get_by_text("has no taste at all")).to_have_count(0)
    expect(alice_page.locator("#comments-heading")).to_have_text("Comments (0)")
    visitor = new_page()
    visitor.goto("/ideas/")
    expect(visitor.locator(f'[data-idea-live="{idea.pk}"]')).to_contain_text("0 comments")
    for page in (dan_page, alice_page, maya, visitor):
        assert page.errors == []


def test_a_new_members_idea_is_held_until_a_manager_approves_it_and_then_it_appears(
    new_page, live, settings
):
    settings.HEARTH_PREMODERATE = {**settings.HEARTH_PREMODERATE, "ideas.idea": "new_members"}
    CommunityManagerFactory(username="maya", display_name="Maya Lindqvist")
    UserFactory(username="erin", display_name="Erin Walsh")

    erin = new_page()
    log_in(erin, "erin", PASSWORD)
    erin.goto("/ideas/new/")
    erin.get_by_label("Title").fill("A stackable set of travel mugs")
    erin.get_by_label("Description").fill("Three mugs that nest inside each other and share one lid.")
    erin.get_by_role("button", name="Submit for review").click()
    expect(erin.locator("#idea-moderation-notice")).to_contain_text(
        "Your idea is hidden from other members: Waiting for a community manager's approval."
    )
    idea = Idea.objects.get(title="A stackable set of travel mugs")

    visitor = new_page()
    visitor.goto("/ideas/")
    expect(visitor.get_by_text("A stackable set of travel mugs")).to_have_count(0)
    assert visitor.goto(idea.get_absolute_url()).status == 404

    maya = new_page()
    log_in(maya, "maya", PASSWORD)
    maya.goto("/moderation/")
    item = maya.locator(".queue-item").filter(has_text="A stackable set of travel mugs")
    expect(item).to_contain_text("Idea by Erin Walsh")
    item.get_by_role("button", name="Approve").click()
    expect(maya.get_by_text("Approved: it is visible now.")).to_be_visible()

    visitor.goto("/ideas/?sort=new")
    card = visitor.locator(f'[data-idea-live="{idea.pk}"]')
    expect(card).to_contain_text("A stackable set of travel mugs")
    expect(card.locator(".idea-status")).to_have_text("Gathering support")
    erin.goto(idea.get_absolute_url())
    expect(erin.locator("#idea-moderation-notice")).to_have_count(0)
    expect(erin.get_by_text("This is your idea")).to_be_visible()
    erin.goto("/notifications/")
    expect(erin.locator("#notification-list")).to_contain_text("approved and is now visible to everyone")
    for page in (erin, visitor, maya):
        assert page.errors == []
