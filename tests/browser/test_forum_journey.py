import re

from playwright.sync_api import expect

from forum.models import Category, Post, Topic
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, UserFactory
from tests.moderation.factories import at_level

TITLE = "Kettle display flashes E3 after descaling"


def wait_for_live_topic(page) -> None:
    # An attribute check rather than wait_for_function: the CSP forbids evaluating strings.
    expect(page.locator("html")).to_have_attribute("data-livewsforumt", "open")


def test_a_topic_gets_a_live_reply_with_a_mention_a_like_an_accepted_answer_and_is_found(new_page, live):
    # Members past their first steps (TL1): new members' posts wait for approval.
    at_level(UserFactory(username="alice", display_name="Alice Moreau"), 1)
    at_level(UserFactory(username="bob", display_name="Bob Tanaka"), 1)
    Category.objects.create(name="Kitchen", slug="kitchen", description="Brewing questions.")

    # A starts a topic, after a refused first try that keeps what she typed.
    alice = new_page()
    log_in(alice, "alice", PASSWORD)
    alice.goto("/forum/")
    alice.get_by_role("link", name="Kitchen").click()
    alice.get_by_role("link", name="Start a topic").click()
    alice.get_by_label("Title").fill("E3?")
    body = alice.get_by_label("What would you like to discuss?")
    body.fill("The display shows **E3** since I descaled it.")
    alice.get_by_role("button", name="Post topic").click()
    expect(alice.get_by_text("The title is too short")).to_be_visible()
    expect(alice.get_by_label("What would you like to discuss?")).to_have_value(
        "The display shows **E3** since I descaled it.")
    alice.get_by_label("Title").fill(TITLE)
    alice.get_by_role("button", name="Post topic").click()
    expect(alice.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(alice.locator("#post-1 strong")).to_have_text("E3")
    wait_for_live_topic(alice)
    # Starting a topic may earn a badge notification; count from here.
    unread = int(alice.locator("#notification-count").inner_text())

    # B opens it and replies, mentioning A through the suggestions, with a double-click.
    bob = new_page()
    log_in(bob, "bob", PASSWORD)
    bob.goto("/forum/c/kitchen/")
    bob.get_by_role("link", name=TITLE).click()
    wait_for_live_topic(bob)
    reply_box = bob.get_by_label("Your reply")
    reply_box.fill("Hold the power button for ten seconds to reset it. Did that help ")
    reply_box.press_sequentially("@ali")
    expect(bob.get_by_role("option", name=re.compile("@alice"))).to_be_visible()
    reply_box.press("Enter")
    expect(reply_box).to_have_value(
        "Hold the power button for ten seconds to reset it. Did that help @alice ")
    bob.get_by_role("button", name="Post reply").dblclick()
    expect(bob.locator("#post-2")).to_contain_text("Hold the power button")

    # A sees the reply arrive without reloading, and the mention in the bell.
    expect(alice.locator("#post-2")).to_contain_text("Hold the power button for ten seconds")
    expect(alice.locator("#post-2 a.mention")).to_have_text("@alice")
    expect(alice.locator("#notification-count")).to_have_text(str(unread + 1))
    assert Post.objects.filter(topic__title=TITLE).count() == 2  # the double-click posted once

    # A likes it; B sees the count change live.
    alice.locator("#post-2").get_by_role("button", name=re.compile("Like this post")).click()
    withdraw = alice.locator("#post-2").get_by_role("button", name=re.compile("Withdraw your like"))
    expect(withdraw).to_be_visible()
    expect(bob.locator('[data-like-count]').last).to_have_text("1")

    # A accepts it: shown under the first post, and the topic is listed as solved.
    alice.locator("#post-2").get_by_role("button", name="Accept as answer").click()
    expect(alice.locator("#accepted-answer")).to_contain_text("Hold the power button")
    expect(alice.locator("#post-2")).to_contain_text("Accepted answer")
    alice.goto("/forum/c/kitchen/?sort=solved")
    expect(alice.get_by_role("link", name=TITLE)).to_be_visible()

    # Search finds the topic, with the match highlighted.
    alice.get_by_label("Search the forum").fill("descaling")
    alice.get_by_label("Search the forum").press("Enter")
    expect(alice.locator("#topic-results mark").first).to_have_text("descaling", ignore_case=True)
    alice.locator("#topic-results").get_by_role("link").first.click()
    expect(alice.get_by_role("heading", name=TITLE)).to_be_visible()

    assert Topic.objects.get(title=TITLE).accepted_answer.author.username == "bob"
    assert alice.errors == [] and bob.errors == []


def test_a_locked_topic_says_so_and_offers_no_reply_form(new_page, live):
    from forum import services

    author = at_level(UserFactory(username="erin"), 1)
    reader = at_level(UserFactory(username="dan"), 1)
    boss = UserFactory(username="boss", is_superuser=True)
    category = Category.objects.create(name="Outdoor", slug="outdoor")
    topic = services.start_topic(author=author, category=category, title="Stove in strong wind",
                                 body="Flame goes out.")
    services.lock_topic(actor=boss, topic=topic, locked=True)
    page = new_page()
    log_in(page, reader.username, PASSWORD)
    page.goto(topic.get_absolute_url())
    expect(page.locator("#locked-notice")).to_have_text("This topic is locked: it no longer takes replies.")
    expect(page.get_by_label("Your reply")).to_have_count(0)
    page.goto("/forum/c/outdoor/")
    expect(page.locator(".tag-locked")).to_have_text("Locked")


def test_quote_edit_history_delete_deep_link_and_unread(new_page, live):
    from forum import services

    author = at_level(UserFactory(username="carol", display_name="Carol Nguyen"), 1)
    reader = at_level(UserFactory(username="dan", display_name="Dan Ferreira"), 1)
    category = Category.objects.create(name="Audio", slug="audio")
    topic = services.start_topic(author=author, category=category, title="Buds battery life after a year",
                                 body="Mine went from 30 h to 22 h.")
    for n in range(21):
        services.post_reply(author=author if n % 2 else reader, topic=topic, body=f"Measurement {n + 2}")

    # Dan reads page 1 only; later the topic list offers him the unread posts.
    dan = new_page()
    log_in(dan, "dan", PASSWORD)
    dan.goto(topic.get_absolute_url())
    expect(dan.locator("#post-20")).to_be_visible()
    expect(dan.locator("#post-21")).to_have_count(0)
    dan.goto("/forum/c/audio/")
    dan.get_by_role("link", name="2 new").click()
    expect(dan).to_have_url(re.compile(r"\?page=2#post-21$"))
    expect(dan.locator("#post-21")).to_be_visible()

    # Carol follows a deep link to Dan's post 22, quotes it in a reply, then edits her reply
    # and reads its history.
    carol = new_page()
    log_in(carol, "carol", PASSWORD)
    post_22 = Post.objects.get(topic=topic, post_number=22)
    carol.goto(f"/forum/p/{post_22.pk}/")
    expect(carol).to_have_url(re.compile(r"\?page=2#post-22$"))
    carol.locator("#post-22").get_by_role("link", name="Quote").click()
    expect(carol.locator("#reply")).to_contain_text("Quoting Dan Ferreira (#22)")
    carol.get_by_label("Your reply").fill("Mine is at 24 h after a year")
    carol.get_by_role("button", name="Post reply").click()
    expect(carol.locator("#post-23 .forum-quote")).to_contain_text("Dan Ferreira wrote (#22)")
    carol.locator("#post-23").get_by_role("link", name="Edit").click()
    carol.get_by_label("Text").fill("Mine is at 25 h after a year")
    carol.get_by_role("button", name="Save changes").click()
    expect(carol.locator("#post-23")).to_contain_text("25 h")
    carol.locator("#post-23").get_by_role("link", name="edited").click()
    expect(carol.get_by_role("heading", name="Version 2 (current)")).to_be_visible()
    expect(carol.locator(".diff-del")).to_contain_text("24 h")
    expect(carol.locator(".diff-add")).to_contain_text("25 h")

    # Dan watches page 2 while Carol deletes her reply: the placeholder replaces it live.
    dan.goto(topic.get_absolute_url() + "?page=2")
    wait_for_live_topic(dan)
    expect(dan.locator("#post-23")).to_contain_text("25 h")
    carol.goto(topic.get_absolute_url() + "?page=2")
    carol.locator("#post-23").get_by_role("link", name="Delete").click()
    carol.get_by_role("button", name="Delete").click()
    expect(carol.locator("#post-23")).to_have_text(re.compile("Post #23 was deleted"))
    expect(dan.locator("#post-23")).to_have_text(re.compile("Post #23 was deleted"))
    expect(dan.locator("#posts")).not_to_contain_text("25 h")
    assert dan.errors == [] and carol.errors == []


def test_reading_replying_and_liking_work_without_javascript(browser, live):
    from forum import services

    author = at_level(UserFactory(username="erin"), 1)
    at_level(UserFactory(username="bob"), 1)
    outdoor = Category.objects.create(name="Outdoor", slug="outdoor")
    topic = services.start_topic(author=author, category=outdoor, title="Stove in strong wind",
                                 body="The flame goes out.")
    context = browser.new_context(base_url=live.url, java_script_enabled=False)
    try:
        page = context.new_page()
        log_in(page, "bob", PASSWORD)
        page.goto(topic.get_absolute_url())
        page.get_by_label("Your reply").fill("Use a windscreen.")
        page.get_by_role("button", name="Post reply").click()
        expect(page.locator("#post-2")).to_contain_text("Use a windscreen.")
        page.locator("#post-1").get_by_role("button", name=re.compile("Like this post")).click()
        withdraw = page.locator("#post-1").get_by_role("button", name=re.compile("Withdraw your like"))
        expect(withdraw).to_be_visible()
        page.get_by_role("button", name="Watching · stop").click()
        expect(page.get_by_text("You stopped watching this topic.")).to_be_visible()
    finally:
        context.close()
