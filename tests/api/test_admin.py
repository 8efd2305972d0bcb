"""Service tokens for integrations: staff create them in the Django admin; the secret is shown
once, in the message after saving; they are revoked there too."""

import pytest

from api.models import ApiToken
from tests.api.conftest import ApiClient
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_staff_create_a_service_token_and_see_its_secret_once(admin_client, brand):
    response = admin_client.post(
        "/django-admin/api/apitoken/add/",
        {
            "user": brand.pk,
            "name": "Shop sync",
            "scopes": ["read", "staff"],
            "expires_at_0": "",
            "expires_at_1": "",
        },
        follow=True,
    )
    assert response.status_code == 200
    token = ApiToken.objects.get()
    assert (token.kind, token.user, token.scopes) == ("service", brand, ["read", "staff"])
    assert token.created_by.username == "root"
    shown = [str(m) for m in response.context["messages"] if "shown once" in str(m)]
    secret = shown[0].rsplit(" ", 1)[-1]
    assert ApiClient(secret).get("/api/v1/follow-ups/").status_code == 200
    listing = admin_client.get("/django-admin/api/apitoken/")
    assert secret.encode() not in listing.content and token.prefix.encode() in listing.content


def test_staff_revoke_service_tokens_from_the_list(admin_client, brand):
    from api import services

    token, secret = services.create_token(user=brand, name="Shop sync", scopes=["read"], kind="service")
    admin_client.post("/django-admin/api/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    assert ApiToken.objects.get().revoked_at is not None
    assert ApiClient(secret).get("/api/v1/me/").status_code == 401
