import io
import zipfile
from datetime import timedelta

import pytest
from django.utils import timezone

from privacy.models import Consent, DataExport
from privacy.purposes import MARKETING_EMAIL
from privacy.services.consents import record_consent
from tests.factories import CommunityManagerFactory, UserFactory

pytestmark = pytest.mark.django_db
PAGE = "/settings/privacy/"


@pytest.fixture(autouse=True)
def _export_dir(settings, tmp_path):
    settings.HEARTH_PRIVACY_EXPORT_DIR = tmp_path / "exports"


@pytest.fixture
def member(client):
    user = UserFactory(username="ada")
    client.force_login(user)
    return user


def ask_for_export(client, capture):
    with capture(execute=True):
        return client.post("/settings/privacy/export/")


def test_the_privacy_page_is_for_members_and_linked_from_the_menu(client, member):
    html = client.get("/").content.decode()
    assert 'href="/settings/privacy/"' in html
    client.logout()
    assert client.get(PAGE)["Location"].startswith("/accounts/login/")


def test_the_privacy_page_costs_a_fixed_number_of_queries(
        client, member, django_assert_num_queries, django_capture_on_commit_callbacks):
    for _ in range(3):
        record_consent(user=member, purpose=MARKETING_EMAIL, granted=True, source="privacy_page")
        record_consent(user=member, purpose=MARKETING_EMAIL, granted=False, source="privacy_page")
    ask_for_export(client, django_capture_on_commit_callbacks)
    # session, user, latest export, consents (all purposes and history)
    with django_assert_num_queries(4):
        response = client.get(PAGE)
    assert response.status_code == 200
    assert response.content.decode().count("Withdrawn on") == 3


def test_asking_for_an_export_shows_it_ready_with_a_download_link(
        client, member, django_capture_on_commit_callbacks):
    response = ask_for_export(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    page = client.get(PAGE).content.decode()
    export = DataExport.objects.get(user=member)
    assert "We are preparing your data" in page
    assert f"/settings/privacy/export/{export.pk}/download/" in page
    status = client.get("/settings/privacy/export/status/").json()
    assert status["status"] == "ready" and status["progress"] == 100
    assert status["download_url"] == f"/settings/privacy/export/{export.pk}/download/"


def test_the_status_while_preparing_reports_progress(client, member):
    DataExport.objects.create(user=member, status=DataExport.Status.RUNNING, progress=42,
                              step="Written forum.json", started_at=timezone.now())
    status = client.get("/settings/privacy/export/status/").json()
    assert (status["status"], status["progress"], status["step"]) == ("running", 42, "Written forum.json")
    assert "download_url" not in status
    page = client.get(PAGE).content.decode()
    assert 'value="42"' in page and "Preparing your data" in page
    assert 'id="export-form"' not in page


def test_a_second_request_while_preparing_gets_a_clear_message(client, member):
    DataExport.objects.create(user=member)
    response = client.post("/settings/privacy/export/", follow=True)
    assert "already being prepared" in response.content.decode()
    assert DataExport.objects.filter(user=member).count() == 1


def test_the_owner_downloads_the_zip(client, member, django_capture_on_commit_callbacks):
    ask_for_export(client, django_capture_on_commit_callbacks)
    export = DataExport.objects.get(user=member)
    response = client.get(f"/settings/privacy/export/{export.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment") and "hearth-data-ada-" in disposition
    assert "no-store" in response["Cache-Control"]
    names = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()
    assert "README.txt" in names and "forum.json" in names


def test_nobody_else_can_download_it_not_even_a_manager(
        client, member, django_capture_on_commit_callbacks):
    ask_for_export(client, django_capture_on_commit_callbacks)
    url = f"/settings/privacy/export/{DataExport.objects.get(user=member).pk}/download/"
    for other in (UserFactory(), CommunityManagerFactory()):
        client.force_login(other)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url)["Location"].startswith("/accounts/login/")


def test_an_expired_export_cannot_be_downloaded(client, member, django_capture_on_commit_callbacks):
    ask_for_export(client, django_capture_on_commit_callbacks)
    export = DataExport.objects.get(user=member)
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(f"/settings/privacy/export/{export.pk}/download/").status_code == 404
    assert client.get("/settings/privacy/export/status/").json()["status"] == "expired"
    assert "has expired" in client.get(PAGE).content.decode()


def test_an_export_not_ready_or_missing_is_not_found(client, member):
    pending = DataExport.objects.create(user=member)
    assert client.get(f"/settings/privacy/export/{pending.pk}/download/").status_code == 404
    assert client.get("/settings/privacy/export/999999/download/").status_code == 404


def test_the_export_file_is_outside_the_public_media(settings, client, member,
                                                     django_capture_on_commit_callbacks):
    from pathlib import Path

    from privacy.services.exports import file_path

    ask_for_export(client, django_capture_on_commit_callbacks)
    path = file_path(DataExport.objects.get(user=member))
    assert not path.resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    media = Path(settings.MEDIA_ROOT).resolve()
    assert Path(settings.HEARTH_PRIVACY_EXPORT_DIR).resolve() not in media.parents


def test_toggling_marketing_consent_records_it_and_shows_the_history(client, member):
    response = client.post("/settings/privacy/consent/", {"purpose": MARKETING_EMAIL, "granted": "1"},
                           follow=True)
    html = response.content.decode()
    assert "your consent is recorded" in html
    assert "Marketing email: <span class=\"consent-state\">on</span>" in html
    assert "Given on" in html and "on the privacy settings page" in html
    response = client.post("/settings/privacy/consent/", {"purpose": MARKETING_EMAIL, "granted": "0"},
                           follow=True)
    html = response.content.decode()
    assert "withdrawn" in html and "Withdrawn on" in html
    assert [c.granted for c in Consent.objects.filter(user=member).order_by("id")] == [True, False]


def test_repeating_a_consent_choice_says_nothing_changed(client, member):
    client.post("/settings/privacy/consent/", {"purpose": MARKETING_EMAIL, "granted": "1"})
    html = client.post("/settings/privacy/consent/", {"purpose": MARKETING_EMAIL, "granted": "1"},
                       follow=True).content.decode()
    assert "nothing changed" in html
    assert Consent.objects.filter(user=member).count() == 1


@pytest.mark.parametrize(("data", "message"), [
    ({}, "This field is required."),
    ({"purpose": "sell_my_data", "granted": "1"}, "There is no such consent."),
    ({"purpose": MARKETING_EMAIL, "granted": "maybe"}, "Choose to give or withdraw."),
    ({"purpose": MARKETING_EMAIL}, "This field is required."),
])
def test_malformed_consent_requests_get_a_message_and_change_nothing(client, member, data, message):
    response = client.post("/settings/privacy/consent/", data, follow=True)
    assert response.status_code == 200
    assert f'<li class="message message-error">{message}' in response.content.decode()
    assert not Consent.objects.exists()


def test_the_page_only_accepts_get_and_the_actions_only_post(client, member):
    assert client.post(PAGE).status_code == 405
    assert client.get("/settings/privacy/export/").status_code == 405
    assert client.get("/settings/privacy/consent/").status_code == 405
