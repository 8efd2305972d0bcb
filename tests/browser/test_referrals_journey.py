import re
from urllib.parse import urlsplit

from django.core import mail
from playwright.sync_api import expect

from community.models import User
from referrals import services
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, CommunityManagerFactory, UserFactory
from tests.referrals.shop_double import announce_order_paid

FRIEND_PASSWORD = "a-long-unusual-passphrase"


def confirmation_link(address: str) -> str:
    message = next(m for m in reversed(mail.outbox) if address in m.to)
    return re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)


def test_a_friend_joins_through_a_link_orders_and_both_earn_then_a_held_one_is_approved(
        new_page, live):
    UserFactory(username="ada", display_name="Ada Lovelace", email="ada.lovelace@example.com")
    CommunityManagerFactory(username="maya", display_name="Maya Lindqvist")

    # Ada finds her link on her referrals page.
    ada = new_page()
    ada.context.grant_permissions(["clipboard-read", "clipboard-write"])
    log_in(ada, "ada", PASSWORD)
    ada.goto("/")
    ada.locator(".user-menu summary").click()
    ada.get_by_role("link", name="Invite friends").click()
    expect(ada.get_by_role("heading", name="Invite friends")).to_be_visible()
    expect(ada.locator("#referrals")).to_contain_text("No one has signed up through your link yet.")
    link = ada.get_by_label("Your referral link").input_value()
    assert re.fullmatch(r"http://[^/]+/r/[A-Za-z0-9_-]{16}/", link)
    ada.get_by_role("button", name="Copy link").click()
    expect(ada.get_by_role("button", name="Copied")).to_be_visible()

    # Her friend follows it, signs up and confirms their email.
    friend = new_page()
    friend.goto(urlsplit(link).path)
    expect(friend).to_have_url(re.compile(r"/accounts/signup/$"))
    friend.get_by_label("Username").fill("juniper")
    friend.get_by_label("Email").fill("juniper@example.net")
    friend.locator("#id_password1").fill(FRIEND_PASSWORD)
    friend.locator("#id_password2").fill(FRIEND_PASSWORD)
    friend.get_by_role("button", name="Sign Up").click()
    expect(friend.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()
    friend.goto(confirmation_link("juniper@example.net").replace("http://testserver", live.url))
    friend.get_by_role("button", name="Confirm").click()
    expect(friend.locator("#notification-bell")).to_be_visible()

    ada.reload()
    expect(ada.locator("#referrals")).to_contain_text("juniper")
    expect(ada.locator("#referrals")).to_contain_text("Waiting for their first order")

    # The shop announces the friend's first paid order: both are rewarded.
    juniper = User.objects.get(username="juniper")
    live.call(announce_order_paid, order_id=9001, user_id=juniper.pk, points=40,
              email="juniper@example.net", customer_id="cust-juniper", is_first_order=True)
    ada.reload()
    expect(ada.locator("#referrals")).to_contain_text("Completed: you earned 500 points")
    ada.goto("/u/ada/")
    expect(ada.locator("#member-points")).to_have_text("500")
    friend.goto("/referrals/")
    expect(friend.locator("#referred-by")).to_contain_text(
        "You joined through Ada Lovelace's link: Completed: you earned 250 points.")
    # 250 for joining through the link and the order's own 40.
    friend.goto("/u/juniper/")
    expect(friend.locator("#member-points")).to_have_text("290")

    # Another friend's email is nearly Ada's: their first order is held for review.
    lookalike = UserFactory(username="adal", display_name="A. L.",
                            email="ada.lovelace2@example.com")
    live.call(services.record_signup, friend=lookalike,
              code=services.code_for(user=User.objects.get(username="ada")).code,
              signup_ip="198.51.100.20")
    live.call(announce_order_paid, order_id=9002, user_id=lookalike.pk, points=40,
              email=lookalike.email, customer_id="cust-adal", is_first_order=True)
    ada.goto("/referrals/")
    expect(ada.locator("#referrals")).to_contain_text("Being checked by our team")

    # A community manager reviews it: a note is required, then the approval rewards both.
    maya = new_page()
    log_in(maya, "maya", PASSWORD)
    maya.goto("/")
    maya.locator(".staff-menu summary").click()
    maya.get_by_role("link", name="Referrals to review").click()
    held = maya.locator("section.card").filter(has_text="adal")
    expect(held).to_contain_text("nearly the advocate's")
    expect(held).to_contain_text("ada.lovelace2@example.com")
    # The browser asks for the note before sending (the server refuses one without it too).
    expect(held.get_by_label("Note (kept in the audit log)")).to_have_attribute("required", "")
    held.get_by_label("Note (kept in the audit log)").fill("Checked the order: a colleague.")
    held.get_by_role("button", name="Approve").click()
    expect(maya.get_by_text("is approved: both members have their points")).to_be_visible()
    expect(maya.locator("#no-held")).to_be_visible()
    maya.goto("/moderation/log/")
    expect(maya.locator("main")).to_contain_text("Approved a held referral")

    ada.goto("/u/ada/")
    expect(ada.locator("#member-points")).to_have_text("1,000")
    ada.goto("/referrals/")
    expect(ada.locator("#referrals")).not_to_contain_text("Being checked by our team")
    assert ada.errors == [] and friend.errors == [] and maya.errors == []
