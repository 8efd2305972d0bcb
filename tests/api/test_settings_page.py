"""/settings/api/: a member creates a token (shown once), sees their tokens and revokes one."""

import pytest

from api.models import ApiToken
from tests.api.conftest import ApiClient, token_for

pytestmark = pytest.mark.django_db


def test_the_member_menu_links_to_the_api_tokens_page(client, alice):
    client.force_login(alice)
    assert b'href="/settings/api/"' in client.get("/forum/").content


def test_a_member_creates_a_token_and_sees_it_once(client, alice, django_assert_num_queries):
    client.force_login(alice)
    response = client.post(
        "/settings/api/", {"name": "My script", "scopes": ["read", "write"], "expires_in": "30"}
    )
    assert response.status_code == 201
    token = ApiToken.objects.get(user=alice)
    secret = response.context["secret"]
    assert secret.encode() in response.content and token.key_hash != secret
    assert token.scopes == ["read", "write"] and token.expires_at is not None
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    page = client.get("/settings/api/")
    assert secret.encode() not in page.content
    assert token.prefix.encode() in page.content and b"My script" in page.content
    assert ApiClient(secret).get("/api/v1/me/").json()["username"] == "alice"


def test_the_page_costs_the_same_queries_whatever_the_number_of_tokens(
    client, alice, django_assert_num_queries
):
    client.force_login(alice)
    token_for(alice)
    client.get("/settings/api/")
    with django_assert_num_queries(3):
        client.get("/settings/api/")
    for _ in range(3):
        token_for(alice)
    with django_assert_num_queries(3):
        assert client.get("/settings/api/").status_code == 200


def test_a_customer_cannot_give_a_token_the_staff_scope(client, alice):
    client.force_login(alice)
    response = client.post("/settings/api/", {"name": "Sneaky", "scopes": ["read", "staff"]})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_brand_staff_may_give_a_token_the_staff_scope(client, brand):
    client.force_login(brand)
    assert client.post("/settings/api/", {"name": "Replies", "scopes": ["read", "staff"]}).status_code == 201
    assert ApiToken.objects.get().scopes == ["read", "staff"]


def test_a_member_revokes_their_token_and_it_stops_working(client, alice):
    token, secret = token_for(alice)
    client.force_login(alice)
    response = client.post(f"/settings/api/{token.pk}/revoke/")
    assert response.status_code == 302
    assert ApiToken.objects.get().revoked_at is not None
    assert ApiClient(secret).get("/api/v1/me/").status_code == 401
    assert b"revoked" in client.get("/settings/api/").content


def test_nobody_revokes_someone_elses_token_from_the_page(client, alice, bob):
    token, secret = token_for(alice)
    client.force_login(bob)
    client.post(f"/settings/api/{token.pk}/revoke/")
    assert ApiToken.objects.get().revoked_at is None
    assert ApiClient(secret).get("/api/v1/me/").status_code == 200


def test_visitors_are_sent_to_log_in(client):
    assert client.get("/settings/api/")["Location"].startswith("/accounts/login/")


def test_sending_the_creation_form_twice_makes_one_token(client, alice):
    import re

    client.force_login(alice)
    page = client.get("/settings/api/").content.decode()
    nonce = re.search(r'name="form_nonce" value="([^"]+)"', page).group(1)
    form = {"name": "My script", "scopes": ["read"], "form_nonce": nonce}
    assert client.post("/settings/api/", form).status_code == 201
    again = client.post("/settings/api/", form)  # a reload of the answer
    assert again.status_code == 409
    assert "That form was already sent" in again.content.decode()
    assert ApiToken.objects.filter(user=alice).count() == 1
