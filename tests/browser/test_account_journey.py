import re

from django.core import mail
from playwright.sync_api import expect

from community.models import User
from community.services.notifications import notify
from tests.factories import image_upload

PASSWORD = "a-long-unusual-passphrase"


def confirmation_link(address: str) -> str:
    message = next(m for m in reversed(mail.outbox) if address in m.to)
    return re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)


def test_new_member_signs_up_confirms_logs_in_edits_profile_and_sees_a_live_notification(
    new_page, live, tmp_path
):
    page = new_page()

    # Sign up: a taken-looking mistake first (passwords differ), and nothing typed is lost.
    page.goto("/accounts/signup/")
    page.get_by_label("Username").fill("juniper")
    page.get_by_label("Email").fill("juniper@example.com")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD + "x")
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_text("You must type the same password each time.")).to_be_visible()
    expect(page.get_by_label("Username")).to_have_value("juniper")
    expect(page.get_by_label("Email")).to_have_value("juniper@example.com")

    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()

    # Confirm the address from the outbox; confirming logs the member in.
    page.goto(confirmation_link("juniper@example.com").replace("http://testserver", live.url))
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator("#notification-count")).to_have_text("1")  # the welcome notification

    # Log out and back in by email address.
    page.get_by_text("juniper").first.click()
    page.get_by_role("button", name="Log out").click()
    page.goto("/accounts/login/")
    page.get_by_label("Username or email").fill("juniper@example.com")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_text("not correct")).to_be_visible()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.locator("#notification-bell")).to_be_visible()

    # Edit the profile, with a photo.
    photo = tmp_path / "me.png"
    photo.write_bytes(image_upload().read())
    page.goto("/settings/profile/")
    page.get_by_label("Display name").fill("Juniper Hale")
    page.get_by_label("Bio").fill("Owns a kettle and opinions.")
    page.get_by_label("Photo").set_input_files(str(photo))
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("heading", name="Juniper Hale")).to_be_visible()
    expect(page.get_by_text("Owns a kettle and opinions.")).to_be_visible()
    expect(page.locator(".profile-head img.avatar")).to_have_js_property("naturalWidth", 256)
    # A completed profile (name, bio, photo) earns the Welcome badge, which is announced.
    expect(page.locator("#notification-count")).to_have_text("2")

    # A notification created elsewhere on the site reaches the open page without a reload.
    page.goto("/notifications/")
    expect(page.locator("html")).to_have_attribute("data-livewsnotifications", "open")
    member = User.objects.get(username="juniper")
    live.call(lambda: notify(recipient=member, kind="community.welcome",
                             message="Maya mentioned you in a topic", url="/u/maya/"))
    expect(page.locator("#notification-count")).to_have_text("3")
    expect(page.locator("#notification-list")).to_contain_text("Maya mentioned you in a topic")
    expect(page.locator("#toasts")).to_contain_text("Maya mentioned you in a topic")
    assert page.errors == []
