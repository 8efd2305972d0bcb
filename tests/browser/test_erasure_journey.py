import re
from datetime import timedelta

from playwright.sync_api import expect

from community.models import User
from privacy.models import Erasure
from privacy.services.erasure import erase_due_members
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, CommunityManagerFactory, UserFactory
from tests.forum.factories import make_reply, make_topic
from tests.moderation.factories import at_level


def test_a_member_deletes_their_account_and_after_the_grace_period_is_a_former_member(
        new_page, live):
    ada = at_level(UserFactory(username="ada", display_name="Ada Byron"), 2)
    bob = at_level(UserFactory(username="bob", display_name="Bob Stone"), 2)
    topic = make_topic(author=ada, title="Descaling with citric acid")
    make_reply(topic, author=bob, body="Thanks @ada, that worked a treat.")
    page = new_page()
    log_in(page, "ada", PASSWORD)

    # A wrong password changes nothing and says so.
    page.goto("/settings/privacy/")
    page.get_by_label("Your password").fill("not my password")
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_text("That is not your password")).to_be_visible()

    # The right one schedules the deletion: the member is logged out and shown the date.
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account").click()
    erasure = live.call(lambda: Erasure.objects.get(user=ada))
    scheduled = page.locator("#erasure-scheduled")
    expect(scheduled).to_contain_text(f"Your account will be deleted on {erasure.due_at:%-d %b %Y}")
    expect(scheduled).to_contain_text("Log in before then to cancel")
    page.goto("/settings/privacy/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))

    # Fourteen days later the hourly task runs.
    assert live.call(erase_due_members, now=erasure.due_at + timedelta(minutes=5)) == 1
    former = f"Former member {erasure.pk}"

    # Her topic now reads "Former member N", and Bob's mention of her is rewritten.
    page.goto(topic.get_absolute_url())
    expect(page.get_by_role("heading", name="Descaling with citric acid")).to_be_visible()
    expect(page.locator("main")).to_contain_text(former)
    expect(page.locator("main")).to_contain_text(f"Thanks {former}, that worked a treat.")
    expect(page.locator("main")).not_to_contain_text("Ada Byron")
    expect(page.locator("main")).not_to_contain_text("@ada")

    # She can no longer log in.
    page.goto("/accounts/login/")
    page.get_by_label("Username or email").fill("ada")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_text("not correct")).to_be_visible()
    assert page.errors == []


def test_a_community_manager_anonymises_a_member_from_the_moderation_screen(new_page, live):
    carl = at_level(UserFactory(username="carl", display_name="Carl Spammer"), 2)
    topic = make_topic(author=carl, title="Cheap kettles here")
    CommunityManagerFactory(username="mia")
    page = new_page()
    log_in(page, "mia", PASSWORD)

    page.goto("/moderation/members/carl/")
    page.get_by_role("link", name="Anonymise this member…").click()
    expect(page.get_by_text("cannot be undone").first).to_be_visible()
    # Without the tick the form is not sent.
    page.get_by_label("Reason (for the audit log)").fill("Asked us by email to delete it")
    page.get_by_role("button", name="Anonymise this member").click()
    expect(page).to_have_url(re.compile(r"/moderation/members/carl/anonymise/$"))
    assert live.call(lambda: User.objects.get(pk=carl.pk).is_active)

    page.get_by_label("I understand this cannot be undone", exact=False).check()
    page.get_by_label("Reason (for the audit log)").fill("Asked us by email to delete it")
    page.get_by_role("button", name="Anonymise this member").click()
    erasure = live.call(lambda: Erasure.objects.get(user=carl))
    former = f"Former member {erasure.pk}"
    expect(page.get_by_text(f"The member is anonymised as {former}.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"former-member-{erasure.pk}")

    # The audit log records it.
    page.goto("/moderation/log/")
    expect(page.locator("main")).to_contain_text("Anonymised a member")
    expect(page.locator("main")).to_contain_text("Asked us by email to delete it")

    page.goto(topic.get_absolute_url())
    expect(page.locator("main")).to_contain_text(former)
    expect(page.locator("main")).not_to_contain_text("Carl Spammer")
    assert page.errors == []
