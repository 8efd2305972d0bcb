import pytest

from community.models import User
from privacy.models import Consent
from privacy.purposes import MARKETING_EMAIL, PURPOSES

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-unusual-passphrase"


def sign_up(client, **extra):
    return client.post("/accounts/signup/", {
        "username": "juniper", "email": "juniper@example.com",
        "password1": PASSWORD, "password2": PASSWORD, **extra})


def test_the_sign_up_form_asks_for_marketing_consent_unticked_and_optional(client):
    html = client.get("/accounts/signup/").content.decode()
    assert 'name="marketing_email"' in html
    field = html[html.index('name="marketing_email"') - 200: html.index('name="marketing_email"') + 200]
    assert "checked" not in field
    assert PURPOSES[MARKETING_EMAIL].wording in html


def test_signing_up_with_the_box_ticked_records_the_consent_with_its_wording(client):
    response = sign_up(client, marketing_email="on")
    assert response.status_code == 302
    consent = Consent.objects.get(user__username="juniper")
    assert (consent.purpose, consent.granted, consent.source) == (MARKETING_EMAIL, True, "signup")
    assert consent.wording_version == PURPOSES[MARKETING_EMAIL].current_version


def test_signing_up_without_ticking_records_no_consent(client):
    assert sign_up(client).status_code == 302
    assert User.objects.filter(username="juniper").exists()
    assert not Consent.objects.exists()


def test_a_rejected_sign_up_keeps_the_ticked_box_and_records_nothing(client):
    response = client.post("/accounts/signup/", {
        "username": "juniper", "email": "juniper@example.com", "password1": PASSWORD,
        "password2": PASSWORD + "x", "marketing_email": "on"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "You must type the same password each time." in html
    field = html[html.index('name="marketing_email"'): html.index('name="marketing_email"') + 120]
    assert "checked" in field
    assert not Consent.objects.exists()
