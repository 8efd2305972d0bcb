import pytest
from django.test import Client

from api import services
from tests.factories import BrandStaffFactory


class ApiClient:
    """Calls /api/v1/ with a bearer token (or none), JSON in and out."""

    def __init__(self, secret: str | None = None):
        self.client = Client()
        self.secret = secret

    def _headers(self, headers):
        headers = dict(headers or {})
        if self.secret:
            headers.setdefault("Authorization", f"Bearer {self.secret}")
        return headers

    def get(self, path, data=None, headers=None):
        return self.client.get(path, data or {}, headers=self._headers(headers))

    def send(self, method, path, data=None, headers=None, raw=None):
        body = raw if raw is not None else __import__("json").dumps(data or {})
        return getattr(self.client, method)(
            path, body, content_type="application/json", headers=self._headers(headers)
        )

    def post(self, path, data=None, **kwargs):
        return self.send("post", path, data, **kwargs)


def token_for(user, scopes=("read", "write"), **kwargs):
    token, secret = services.create_token(user=user, name="test", scopes=list(scopes), **kwargs)
    return token, secret


@pytest.fixture
def api():
    """``api(user, scopes)``: a client carrying a new token of ``user``; ``api()``: anonymous."""

    def make(user=None, scopes=("read", "write"), **kwargs):
        if user is None:
            return ApiClient()
        return ApiClient(token_for(user, scopes, **kwargs)[1])

    return make






@pytest.fixture
def brand(db):
    return BrandStaffFactory(username="brandy")


def problem_of(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["type"].startswith("urn:hearth:problem:")
    assert body["title"] and body["detail"]
    return body
