"""The database goes away: requests get the 503 page (not a stack trace), websockets close
cleanly, /healthz says 503, and the site recovers on its own when the database is back."""

import pytest
from channels.testing import WebsocketCommunicator
from django.db import OperationalError

from community import views
from community.models import User
from tests.factories import UserFactory


def _database_down(*args, **kwargs):
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


@pytest.mark.django_db
def test_a_page_that_meets_a_database_outage_gets_the_503_page(client, monkeypatch):
    member = UserFactory(username="reader")
    monkeypatch.setattr(views.selectors, "public_profile", _database_down)
    response = client.get(f"/u/{member.username}/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert "Back in a moment" in html and "can't reach our database" in html
    assert "Traceback" not in html and "OperationalError" not in html


@pytest.mark.django_db
def test_an_outage_met_outside_a_view_also_gets_the_503_page(client, settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.reliability.test_database_outage.FailingMiddleware"]
    client.raise_request_exception = False
    response = client.get("/healthz")
    assert response.status_code == 503
    assert "Back in a moment" in response.content.decode()


class FailingMiddleware:
    """Stands for a middleware (the session's save, say) that meets the database down."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        _database_down()


@pytest.mark.django_db
def test_other_server_errors_still_get_the_500_page(client, settings, monkeypatch):
    member = UserFactory(username="reader")
    monkeypatch.setattr(views.selectors, "public_profile", lambda **kw: 1 / 0)
    client.raise_request_exception = False
    response = client.get(f"/u/{member.username}/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_is_down(client, monkeypatch):
    from community import health

    monkeypatch.setattr(health, "_database", _database_down)
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 503
    assert body["serving"] is False and body["degraded"] == ["database"]
    assert "OperationalError" in body["components"]["database"]["error"]


@pytest.mark.django_db(transaction=True)
async def test_a_websocket_that_meets_the_database_down_closes_with_try_again_later(monkeypatch):
    from config.asgi import application
    from forum.consumers import TopicConsumer

    async def failing_check(self, topic_id, user=None):
        _database_down()

    monkeypatch.setattr(TopicConsumer, "_may_read", failing_check)
    communicator = WebsocketCommunicator(application, "/ws/forum/t/1/",
                                         headers=[(b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1")])
    connected, code = await communicator.connect(timeout=5)
    assert connected is False
    assert code == 4013


# --- the real PostgreSQL behind a proxy that can cut it off ----------------------------------

@pytest.mark.stack
def test_the_site_answers_503_during_a_database_outage_and_recovers_without_a_restart(
        client, database_through_proxy):
    proxy = database_through_proxy
    member = UserFactory(username="steady")
    assert client.get(f"/u/{member.username}/").status_code == 200
    assert client.get("/healthz").status_code == 200

    proxy.cut()  # the database restarts: open connections die, new ones are refused
    during = client.get(f"/u/{member.username}/")
    assert during.status_code == 503
    assert "Back in a moment" in during.content.decode()
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json()["components"]["database"]["ok"] is False

    proxy.restore()
    assert client.get("/healthz").status_code == 200
    after = client.get(f"/u/{member.username}/")
    assert after.status_code == 200
    assert member.username in after.content.decode()
    assert User.objects.filter(username="steady").exists()
