"""Two customers flag a profile, it is hidden pending review, a community manager decides
from the queue, everyone concerned is told, and the decision is in the log."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.factories import PASSWORD, CommunityManagerFactory, UserFactory
from tests.moderation.factories import at_level, restore_migration_data


@pytest.fixture(autouse=True)
def _data_from_migrations(transactional_db):
    restore_migration_data()


def flag_from_profile(page, username: str, reason: str, note: str = "") -> None:
    page.goto(f"/u/{username}/")
    page.get_by_text("Flag this profile").click()
    page.get_by_label(reason).check()
    if note:
        page.get_by_label("Note for the moderators").fill(note)
    page.get_by_role("button", name="Send flag").click()
    expect(page.get_by_text("Thanks: the community managers will look at it.")).to_be_visible()


@pytest.mark.parametrize("decision", ["hide", "restore"])
def test_two_flags_hide_a_profile_and_a_manager_decides_from_the_queue(new_page, live, decision):
    author = UserFactory(username="piper", display_name="Piper Deals", bio="Cheap kettles at my shop")
    alice = at_level(UserFactory(username="alice"), 1)
    bob = at_level(UserFactory(username="bob"), 1)
    CommunityManagerFactory(username="maya", display_name="Maya Lindqvist")

    author_page = new_page()
    log_in(author_page, author.username, PASSWORD)
    author_page.goto("/notifications/")
    expect(author_page.locator("html")).to_have_attribute("data-livewsnotifications", "open")

    alice_page, bob_page = new_page(), new_page()
    log_in(alice_page, alice.username, PASSWORD)
    log_in(bob_page, bob.username, PASSWORD)

    # The first flag alone does not hide the profile.
    flag_from_profile(alice_page, "piper", "Spam")
    expect(alice_page.get_by_text("Cheap kettles at my shop")).to_be_visible()
    # A member may not flag twice; the message says so and the choice is kept.
    alice_page.goto("/u/piper/")
    alice_page.get_by_text("Flag this profile").click()
    alice_page.get_by_label("Abusive or harassing").check()
    alice_page.get_by_role("button", name="Send flag").click()
    expect(alice_page.get_by_text("You have already flagged this profile.")).to_be_visible()
    expect(alice_page.get_by_label("Abusive or harassing")).to_be_checked()

    # The second flag reaches the threshold: hidden pending review, and the author is told live.
    flag_from_profile(bob_page, "piper", "Something else", note="Advertising in the bio")
    expect(author_page.locator("#notification-count")).to_have_text("1")
    expect(author_page.locator("#notification-list")).to_contain_text("hidden pending review")
    visitor = new_page()
    visitor.goto("/u/piper/")
    expect(visitor.get_by_text("This profile is hidden pending review")).to_be_visible()
    expect(visitor.get_by_text("Cheap kettles at my shop")).to_have_count(0)

    # The community manager decides from the queue.
    manager = new_page()
    log_in(manager, "maya", PASSWORD)
    manager.goto("/moderation/")
    item = manager.locator(".queue-item").filter(has_text="Piper Deals")
    expect(item).to_contain_text("Score 2.00")
    expect(item).to_contain_text("Advertising in the bio")
    expect(item.get_by_text("Hidden", exact=True)).to_be_visible()
    if decision == "hide":
        item.get_by_label("Reason for hiding").fill("Advertising is not allowed here")
        item.get_by_role("button", name="Hide").click()
        expect(manager.get_by_text("Hidden. The author has been told why.")).to_be_visible()
    else:
        item.get_by_role("button", name="Restore").click()
        expect(manager.get_by_text("Restored: it is visible again.")).to_be_visible()
    # The page is not reloaded (htmx); on the next visit the queue is empty.
    manager.reload()
    expect(manager.locator("#queue-empty")).to_be_visible()

    # Author and both flaggers are told, live.
    expect(author_page.locator("#notification-count")).to_have_text("2")
    for flagger_page in (alice_page, bob_page):
        expect(flagger_page.locator("#notification-count")).to_have_text("1")
    if decision == "hide":
        expect(author_page.locator("#notification-list")).to_contain_text("Advertising is not allowed here")
        expect(alice_page.locator("#toasts")).to_contain_text("agreed and hid the profile")
        author_page.goto("/u/piper/")
        notice = author_page.locator("#profile-hidden-notice")
        expect(notice).to_contain_text("Advertising is not allowed here")
        visitor.goto("/u/piper/")
        expect(visitor.get_by_text("This profile is hidden pending review")).to_be_visible()
    else:
        expect(author_page.locator("#notification-list")).to_contain_text("restored it")
        expect(bob_page.locator("#toasts")).to_contain_text("restored it")
        visitor.goto("/u/piper/")
        expect(visitor.get_by_text("Cheap kettles at my shop")).to_be_visible()

    # The decision is in the log, filterable by moderator.
    manager.goto("/moderation/log/")
    manager.get_by_label("Moderator (username)").fill("maya")
    manager.get_by_role("button", name="Filter").click()
    row = manager.locator("#log tbody tr").first
    expect(row).to_contain_text("Maya Lindqvist")
    expect(row).to_contain_text("Hid content" if decision == "hide" else "Restored content")
    expect(row).to_contain_text("@piper")
    for page in (author_page, alice_page, bob_page, manager, visitor):
        assert page.errors == []


def test_a_suspended_member_sees_why_and_cannot_flag(new_page, live):
    member = UserFactory(username="riley")
    CommunityManagerFactory(username="maya")
    target = UserFactory(username="target", bio="Hello")
    manager = new_page()
    log_in(manager, "maya", PASSWORD)
    manager.goto("/moderation/members/riley/")
    manager.get_by_label("Days (empty: permanent)").fill("3")
    manager.get_by_label("Reason shown to the member").fill("Insulting other members")
    manager.get_by_role("button", name="Suspend", exact=True).click()
    expect(manager.get_by_text("is suspended.")).to_be_visible()

    page = new_page()
    log_in(page, member.username, PASSWORD)
    expect(page.locator("#suspension-banner")).to_contain_text("Insulting other members")
    expect(page.locator("#suspension-banner")).to_contain_text("suspended until")
    page.goto(f"/u/{target.username}/")
    page.get_by_text("Flag this profile").click()
    page.get_by_label("Spam").check()
    page.get_by_role("button", name="Send flag").click()
    expect(page.locator(".form-errors")).to_contain_text("Your account is suspended until")
    assert page.errors == []
