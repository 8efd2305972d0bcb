"""Customers flag a forum post, the second flag hides it pending review, its author sees why,
a community manager watches it arrive in the live queue and decides; another manager's queue
says who handled it; the author and the flaggers are told."""

import pytest
from playwright.sync_api import expect

from forum import services
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, CommunityManagerFactory, UserFactory
from tests.forum.factories import CategoryFactory
from tests.moderation.factories import at_level, restore_migration_data


@pytest.fixture(autouse=True)
def _data_from_migrations(transactional_db):
    restore_migration_data()


def flag_post(page, topic_url: str, post_number: int, reason: str, note: str = "") -> None:
    page.goto(topic_url)
    post = page.locator(f"#post-{post_number}")
    post.get_by_text("Flag this post").click()
    post.get_by_label(reason).check()
    if note:
        post.get_by_label("Note for the moderators").fill(note)
    post.get_by_role("button", name="Send flag").click()
    expect(page.get_by_text("Thanks: the community managers will look at it.")).to_be_visible()


@pytest.mark.parametrize("decision", ["hide", "restore"])
def test_two_flags_hide_a_post_and_a_manager_decides_from_the_live_queue(new_page, live, decision):
    carol = at_level(UserFactory(username="carol", display_name="Carol Nguyen"), 1)
    piper = at_level(UserFactory(username="piper", display_name="Piper Deals"), 1)
    alice = at_level(UserFactory(username="alice"), 1)
    bob = at_level(UserFactory(username="bob"), 1)
    CommunityManagerFactory(username="maya", display_name="Maya Lindqvist")
    CommunityManagerFactory(username="noor", display_name="Noor Haddad")
    category = CategoryFactory(name="Kitchen", slug="kitchen")
    topic = services.start_topic(author=carol, category=category, title="Which kettle lasts longest?",
                                 body="Mine died after a year.")
    services.post_reply(author=piper, topic=topic, body="Cheap watches at my shop, ask me")
    url = topic.get_absolute_url()

    # Two managers keep the queue open; it is empty and listening.
    managers = {}
    for username in ("maya", "noor"):
        page = new_page()
        log_in(page, username, PASSWORD)
        page.goto("/moderation/")
        expect(page.locator("html")).to_have_attribute("data-livewsmoderationqueue", "open")
        expect(page.locator("#queue-empty")).to_be_visible()
        managers[username] = page
    maya, noor = managers["maya"], managers["noor"]

    author_page = new_page()
    log_in(author_page, "piper", PASSWORD)
    author_page.goto("/notifications/")
    expect(author_page.locator("html")).to_have_attribute("data-livewsnotifications", "open")
    # Counted from here: the reply already earned its author a badge notification.
    before = int(author_page.locator("#notification-count").inner_text())

    alice_page, bob_page = new_page(), new_page()
    log_in(alice_page, alice.username, PASSWORD)
    log_in(bob_page, bob.username, PASSWORD)
    # Nobody is offered a flag on their own post.
    author_page.goto(url)
    expect(author_page.locator("#post-2").get_by_text("Flag this post")).to_have_count(0)
    author_page.goto("/notifications/")
    expect(author_page.locator("html")).to_have_attribute("data-livewsnotifications", "open")

    # The first flag: the post stays, and it appears in the queue without a reload.
    flag_post(alice_page, url, 2, "Spam")
    expect(alice_page.get_by_text("Cheap watches at my shop")).to_be_visible()
    item = maya.locator(".queue-item").filter(has_text="Cheap watches at my shop")
    expect(item).to_contain_text("Score 1.00")
    expect(maya.locator("#queue-empty")).to_have_count(0)

    # "Something else" needs a note; the second flag hides the post pending review.
    bob_page.goto(url)
    post = bob_page.locator("#post-2")
    post.get_by_text("Flag this post").click()
    post.get_by_label("Something else").check()
    post.get_by_role("button", name="Send flag").click()
    expect(bob_page.get_by_text("a note is needed for “Something else”")).to_be_visible()
    expect(bob_page.get_by_label("Something else")).to_be_checked()
    bob_page.get_by_label("Note for the moderators").fill("Advertising a shop")
    bob_page.get_by_role("button", name="Send flag").click()
    expect(bob_page.get_by_text("Thanks: the community managers will look at it.")).to_be_visible()
    expect(bob_page.get_by_text("Cheap watches at my shop")).to_have_count(0)

    # The author is told live, and sees their post with the reason; a visitor sees nothing.
    expect(author_page.locator("#notification-count")).to_have_text(str(before + 1))
    expect(author_page.locator("#notification-list")).to_contain_text("hidden pending review")
    author_page.goto(url)
    notice = author_page.locator("#post-2 .forum-hidden-notice")
    expect(notice).to_contain_text("hidden from other members")
    expect(notice).to_contain_text("flagged it")
    visitor = new_page()
    visitor.goto(url)
    expect(visitor.get_by_text("Which kettle lasts longest?").first).to_be_visible()
    expect(visitor.get_by_text("Cheap watches at my shop")).to_have_count(0)

    # The queue row refreshed live: the new score, the note, the hidden marker.
    expect(item).to_contain_text("Score 2.00")
    expect(item).to_contain_text("Advertising a shop")
    expect(item.get_by_text("Hidden", exact=True)).to_be_visible()
    maya.goto(url)
    expect(maya.locator("#post-2 .forum-hidden-marker")).to_contain_text("Hidden from members")
    maya.goto("/moderation/")
    item = maya.locator(".queue-item").filter(has_text="Cheap watches at my shop")
    if decision == "hide":
        item.get_by_label("Reason for hiding").fill("No advertising in the forum")
        item.get_by_role("button", name="Hide").click()
        expect(maya.get_by_text("Hidden. The author has been told why.")).to_be_visible()
    else:
        item.get_by_role("button", name="Restore").click()
        expect(maya.get_by_text("Restored: it is visible again.")).to_be_visible()

    # The other manager's queue says who handled it, without a reload.
    expect(noor.locator(".queue-item.is-done")).to_contain_text("Maya Lindqvist handled this item")

    # Author and both flaggers are told, live.
    author_page.goto("/notifications/")
    expect(author_page.locator("#notification-list")).to_contain_text(
        "hid your post" if decision == "hide" else "restored it")
    for flagger_page in (alice_page, bob_page):
        expect(flagger_page.locator("#notification-count")).to_have_text("1")
    visitor.goto(url)
    if decision == "hide":
        expect(alice_page.locator("#toasts")).to_contain_text("agreed and hid the post")
        author_page.goto(url)
        notice = author_page.locator("#post-2 .forum-hidden-notice")
        expect(notice).to_contain_text("No advertising in the forum")
        expect(visitor.get_by_text("Cheap watches at my shop")).to_have_count(0)
    else:
        expect(bob_page.locator("#toasts")).to_contain_text("restored it")
        expect(visitor.get_by_text("Cheap watches at my shop")).to_be_visible()

    maya.goto("/moderation/log/")
    row = maya.locator("#log tbody tr").first
    expect(row).to_contain_text("Maya Lindqvist")
    expect(row).to_contain_text("Hid content" if decision == "hide" else "Restored content")
    for page in (author_page, alice_page, bob_page, maya, noor, visitor):
        assert page.errors == []
