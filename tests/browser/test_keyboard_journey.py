"""With the keyboard alone (Tab, typing, Enter, Space, arrows; the address bar to open a
page), a member replies to a topic, supports an idea and writes a review, and a community
manager works the moderation queue. Every control reached shows where the focus is."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from reviews import sentiment
from tests.factories import PASSWORD, CommunityManagerFactory, UserFactory, make_product
from tests.forum.factories import make_topic
from tests.ideas.factories import published_idea
from tests.moderation.factories import flag_profile

MAX_TABS = 300

# The focused element, with how its focus shows: an outline or a box shadow.
FOCUS_STATE = """targets => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  return {reached: targets.includes(el),
          visible: el.matches(":focus-visible") && (outline || style.boxShadow !== "none"),
          what: el.outerHTML.slice(0, 120)};
}"""


def tab_to(page, locator) -> None:
    """Press Tab until ``locator`` (or one of the elements it matches) has the focus, and
    check that the focus is visible."""
    targets = locator.element_handles()
    assert targets, f"nothing matches {locator}"
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STATE, targets)
        if state["reached"]:
            assert state["visible"], f"no visible focus on {state['what']}"
            return
    pytest.fail(f"Tab never reached {locator}")


def log_in_by_keyboard(page, username: str) -> None:
    page.goto("/accounts/login/")
    tab_to(page, page.get_by_label("Username or email"))
    page.keyboard.type(username)
    tab_to(page, page.get_by_label("Password"))
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.fixture
def relaxed(moderation_relaxed, settings):
    settings.HEARTH_SENTIMENT_BACKEND = "lexicon"
    settings.HEARTH_IDEAS_SIMILARITY = "text"
    sentiment.reset_backend()
    yield
    sentiment.reset_backend()


def test_a_member_replies_supports_and_reviews_and_a_manager_moderates_with_the_keyboard_only(
        new_page, live, relaxed):
    topic = make_topic(title="Which filter fits the Ember kettle?")
    idea = published_idea(title="A travel lid that clicks shut")
    make_product(title="Trail Flask", sku="TRL-FLK-01", slug="trail-flask")
    UserFactory(username="kai")
    spammer = UserFactory(username="piper", display_name="Piper Deals", bio="Cheap kettles at my shop")
    flag_profile(spammer, note="Advertising in the bio")
    CommunityManagerFactory(username="maya")

    member = new_page()
    log_in_by_keyboard(member, "kai")

    # A reply to a topic.
    member.goto(topic.get_absolute_url())
    tab_to(member, member.get_by_label("Your reply"))
    member.keyboard.type("The round one with the blue ring fits.")
    tab_to(member, member.get_by_role("button", name="Post reply"))
    member.keyboard.press("Enter")
    expect(member.locator("#post-2")).to_contain_text("The round one with the blue ring fits.")

    # Support for an idea.
    member.goto(idea.get_absolute_url())
    tab_to(member, member.get_by_role("button", name="Support this idea"))
    member.keyboard.press("Enter")
    expect(member.get_by_text("You support this idea.")).to_be_visible()

    # A review: the stars are a radio group (arrows move the choice).
    member.goto("/products/trail-flask/")
    tab_to(member, member.get_by_role("link", name="Write a review"))
    member.keyboard.press("Enter")
    member.wait_for_url("**/trail-flask/review/")
    expect(member.get_by_label("Title")).to_be_visible()
    tab_to(member, member.locator('input[name="rating"]'))
    member.keyboard.press("Space")
    four = member.get_by_label("4 stars", exact=True)
    for _ in range(4):
        if four.is_checked():
            break
        member.keyboard.press("ArrowDown")
    expect(four).to_be_checked()
    tab_to(member, member.get_by_label("Title"))
    member.keyboard.type("Keeps tea hot all day")
    tab_to(member, member.get_by_label("Your review"))
    member.keyboard.type("Still warm after eight hours on the trail.")
    tab_to(member, member.get_by_role("button", name="Publish review"))
    member.keyboard.press("Enter")
    expect(member.get_by_role("heading", name="Keeps tea hot all day")).to_be_visible()

    # The manager hides the flagged profile from the queue.
    manager = new_page()
    log_in_by_keyboard(manager, "maya")
    manager.goto("/moderation/")
    item = manager.locator(".queue-item").filter(has_text="Piper Deals")
    tab_to(manager, item.get_by_label("Reason for hiding"))
    manager.keyboard.type("Advertising is not allowed here")
    tab_to(manager, item.get_by_role("button", name="Hide"))
    manager.keyboard.press("Enter")
    expect(manager.get_by_text("Hidden. The author has been told why.")).to_be_visible()
