import json
import re
import zipfile

from playwright.sync_api import expect

from privacy.models import DataExport
from privacy.services.exports import build_export
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, UserFactory
from tests.forum.factories import make_topic
from tests.moderation.factories import at_level


def test_a_member_downloads_their_data_watches_an_export_finish_and_gives_then_withdraws_consent(
        new_page, live, settings, tmp_path):
    settings.HEARTH_PRIVACY_EXPORT_DIR = tmp_path / "exports"
    ada = at_level(UserFactory(username="ada", display_name="Ada Byron"), 2)
    make_topic(author=ada, title="Descaling with citric acid")
    page = new_page()
    log_in(page, "ada", PASSWORD)

    # The privacy page is in the member's menu.
    page.get_by_text("Ada Byron").first.click()
    page.get_by_role("link", name="Privacy and your data").click()
    expect(page.get_by_role("heading", name="Privacy settings")).to_be_visible()
    expect(page.locator("#consent-marketing_email")).to_contain_text("You have never been asked or answered.")

    # Ask for the data; the export is built and the page offers the ZIP.
    page.get_by_role("button", name="Download my data").click()
    expect(page.get_by_text("We are preparing your data")).to_be_visible()
    expect(page.locator("#export-download")).to_be_visible()
    with page.expect_download() as download_info:
        page.locator("#export-download").click()
    download = download_info.value
    assert re.fullmatch(r"hearth-data-ada-\d{4}-\d{2}-\d{2}\.zip", download.suggested_filename)
    with zipfile.ZipFile(download.path()) as archive:
        names = set(archive.namelist())
        assert {"README.txt", "profile.json", "forum.json", "points.json", "consents.json"} <= names
        forum = json.loads(archive.read("forum.json"))
        assert [topic["title"] for topic in forum["topics"]] == ["Descaling with citric acid"]

    # A second export waits for a worker: the open page follows its progress without a reload
    # and offers the new file when it is done.
    export = live.call(lambda: DataExport.objects.create(user=ada, step="Waiting to start"))
    page.reload()
    expect(page.locator("#export-status")).to_contain_text("Preparing your data")
    expect(page.locator("#export-progress")).to_have_attribute("value", "0")
    live.call(lambda: DataExport.objects.filter(pk=export.pk).update(
        status=DataExport.Status.RUNNING, progress=40, step="Written forum.json"))
    expect(page.locator(".export-percent")).to_contain_text("40%")
    # (The test wrote that progress in the worker's place; now the real build runs.)
    live.call(lambda: DataExport.objects.filter(pk=export.pk).update(status=DataExport.Status.PENDING))
    live.call(build_export, export_id=export.pk)
    expect(page.locator("#export-download")).to_have_attribute(
        "href", f"/settings/privacy/export/{export.pk}/download/")

    # Marketing email: agree, see the state and the history line; withdraw in one click.
    page.get_by_role("button", name="Agree to marketing email").click()
    expect(page.get_by_text("your consent is recorded")).to_be_visible()
    consent = page.locator("#consent-marketing_email")
    expect(consent.locator(".consent-state")).to_have_text("on")
    expect(consent.locator(".consent-history li")).to_have_count(1)
    expect(consent.locator(".consent-history li").first).to_contain_text("Given on")
    expect(consent.locator(".consent-history li").first).to_contain_text("on the privacy settings page")
    page.get_by_role("button", name="Withdraw consent to marketing email").click()
    expect(consent.locator(".consent-state")).to_have_text("off")
    expect(consent.locator(".consent-history li")).to_have_count(2)
    expect(consent.locator(".consent-history li").first).to_contain_text("Withdrawn on")
    assert page.errors == []


def test_a_new_member_who_ticks_marketing_email_at_sign_up_finds_the_consent_recorded(new_page, live):
    from django.core import mail

    from privacy.purposes import MARKETING_EMAIL, PURPOSES

    page = new_page()
    page.goto("/accounts/signup/")
    box = page.get_by_label(PURPOSES[MARKETING_EMAIL].wording)
    expect(box).not_to_be_checked()
    page.get_by_label("Username").fill("juniper")
    page.get_by_label("Email").fill("juniper@example.com")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    box.check()
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()

    message = next(m for m in reversed(mail.outbox) if "juniper@example.com" in m.to)
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)
    page.goto(link.replace("http://testserver", live.url))
    page.get_by_role("button", name="Confirm").click()
    page.goto("/settings/privacy/")
    consent = page.locator("#consent-marketing_email")
    expect(consent.locator(".consent-state")).to_have_text("on")
    expect(consent.locator(".consent-history li")).to_have_count(1)
    expect(consent.locator(".consent-history li").first).to_contain_text("Given on")
    expect(consent.locator(".consent-history li").first).to_contain_text("on the sign-up form")
    assert page.errors == []
