from playwright.sync_api import expect

from ideas.models import Idea
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, CommunityManagerFactory, UserFactory
from tests.ideas.factories import ensure_default_ladder, published_idea


def test_customer_submits_staff_approves_others_support_live_and_supporters_hear_of_the_decision(
    new_page, live, settings
):
    settings.HEARTH_IDEAS_SIMILARITY = "text"
    ensure_default_ladder()
    UserFactory(username="alice", display_name="Alice Moreau")
    UserFactory(username="bob", display_name="Bob Tanaka")
    UserFactory(username="carol", display_name="Carol Nguyen")
    CommunityManagerFactory(username="maya", display_name="Maya Lindqvist")
    live.call(published_idea, title="Keep-warm timer on the kettle base")

    # Alice submits an idea; typing the title suggests a similar one.
    alice = new_page()
    log_in(alice, "alice", PASSWORD)
    alice.goto("/ideas/")
    alice.get_by_role("link", name="Submit an idea").click()
    alice.get_by_label("Title").press_sequentially("Kettle timer", delay=20)
    expect(alice.locator("#similar-ideas")).to_contain_text("Keep-warm timer on the kettle base")
    alice.get_by_label("Title").fill("A kettle timer button you can set without the app")
    alice.get_by_label("Description").fill("Short")
    alice.get_by_role("button", name="Submit for review").click()
    expect(alice.get_by_text("Ensure this value has at least 30 characters")).to_be_visible()
    expect(alice.get_by_label("Title")).to_have_value("A kettle timer button you can set without the app")
    alice.get_by_label("Description").fill("A **button** on the base to set how long the water stays warm.")
    alice.get_by_role("button", name="Submit for review").click()
    expect(alice.get_by_text("Your idea is in review")).to_be_visible()
    expect(alice.locator(".idea-head .idea-status")).to_have_text("In review")
    idea = Idea.objects.get(title__startswith="A kettle timer button")
    idea_url = idea.get_absolute_url()

    # Maya, a community manager, approves it.
    maya = new_page()
    log_in(maya, "maya", PASSWORD)
    maya.goto(idea_url)
    maya.get_by_label("New status").select_option("gathering_support")
    maya.get_by_role("button", name="Change status").click()
    expect(maya.locator(".idea-head .idea-status")).to_have_text("Gathering support")

    # Alice watches her idea; Bob and Carol support it and her count rises without a reload.
    alice.goto(idea_url)
    expect(alice.locator("html")).to_have_attribute("data-livewsideas", "open")
    expect(alice.locator('#support-box [data-field="support_count"]')).to_have_text("0")
    expect(alice.get_by_text("This is your idea")).to_be_visible()

    # A visitor on the list sees the card's numbers move too.
    visitor = new_page()
    visitor.goto("/ideas/?sort=new")
    expect(visitor.locator("html")).to_have_attribute("data-livewsideas", "open")
    card = visitor.locator(f'[data-idea-live="{idea.pk}"]')

    bob = new_page()
    log_in(bob, "bob", PASSWORD)
    bob.goto(idea_url)
    bob.get_by_role("button", name="Support this idea").click()
    expect(bob.get_by_text("You support this idea.")).to_be_visible()
    expect(alice.locator('#support-box [data-field="support_count"]')).to_have_text("1")
    expect(alice.locator('#support-box progress')).to_have_attribute("value", "1")
    expect(card.locator('[data-field="support_count"]')).to_have_text("1")

    carol = new_page()
    log_in(carol, "carol", PASSWORD)
    carol.goto("/ideas/")
    carol.goto(idea_url)
    carol.get_by_role("button", name="Support this idea").click()
    expect(alice.locator('#support-box [data-field="support_count"]')).to_have_text("2")
    expect(alice.locator('#support-box [data-field="supporters_word"]')).to_have_text("supporters")

    # Maya archives it with a public comment; Bob's bell rings on the page he has open.
    bob.goto("/ideas/")
    expect(bob.locator("html")).to_have_attribute("data-livewsnotifications", "open")
    maya.reload()
    maya.get_by_label("New status").select_option("archived")
    maya.get_by_role("button", name="Change status").click()
    expect(maya.get_by_text("Write a comment explaining this decision")).to_be_visible()
    maya.get_by_label("Public comment").fill("Archived: the new base with timers ships next spring.")
    maya.get_by_role("button", name="Change status").click()
    expect(maya.locator(".idea-head .idea-status")).to_have_text("Archived")
    expect(bob.locator("#notification-count")).to_have_text("1")
    expect(bob.locator("#toasts")).to_contain_text("is now archived")
    bob.goto(idea_url)
    expect(bob.get_by_text("Archived: the new base with timers ships next spring.")).to_be_visible()
    expect(bob.get_by_text("This idea no longer gathers support.")).to_be_visible()
    for page in (alice, maya, bob, carol, visitor):
        assert page.errors == []


def test_manager_merges_a_duplicate_its_supporters_are_told_and_the_merge_is_undone(new_page, live, settings):
    settings.HEARTH_IDEAS_SIMILARITY = "text"
    ensure_default_ladder()
    from ideas import services

    UserFactory(username="dan", display_name="Dan Ferreira")
    CommunityManagerFactory(username="maya", display_name="Maya Lindqvist")
    original = live.call(published_idea, title="Keep-warm timer on the kettle base")
    duplicate = live.call(published_idea, title="Kettle timer you can set without the app")
    live.call(services.cast_support, user=UserFactory(username="dan"), idea_id=duplicate.pk)

    dan = new_page()
    log_in(dan, "dan", PASSWORD)
    dan.goto("/ideas/")
    expect(dan.locator("html")).to_have_attribute("data-livewsnotifications", "open")

    maya = new_page()
    log_in(maya, "maya", PASSWORD)
    maya.goto(duplicate.get_absolute_url())
    maya.get_by_label("Original idea number").fill(str(original.pk))
    maya.get_by_role("button", name="Merge into original").click()
    expect(maya.get_by_text("Merged: 1 support moved to the original.")).to_be_visible()
    expect(maya.get_by_text("This idea was merged into")).to_be_visible()
    expect(dan.locator("#toasts")).to_contain_text("was merged into")
    dan.goto(original.get_absolute_url())
    expect(dan.get_by_text("You support this idea.")).to_be_visible()
    expect(dan.locator('#support-box [data-field="support_count"]')).to_have_text("1")

    maya.get_by_role("button", name="Undo merge").click()
    expect(maya.get_by_text("The merge is undone: 1 support moved back.")).to_be_visible()
    expect(maya.locator(".idea-head .idea-status")).to_have_text("Gathering support")
    dan.reload()
    expect(dan.get_by_role("button", name="Support this idea")).to_be_visible()
    assert dan.errors == [] and maya.errors == []
