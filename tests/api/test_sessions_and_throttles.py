"""The site's own scripts use the session with CSRF enforced; every caller has a rate limit
(per token, per session, per address) that answers 429 problem details."""

import pytest
from django.test import Client

from forum.models import Post
from tests.api.conftest import ApiClient, problem_of, token_for
from tests.forum.factories import make_topic

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("moderation_relaxed")]


@pytest.fixture
def topic(bob, category):
    return make_topic(author=bob, category=category)


def test_a_session_reads_without_a_token(alice):
    client = Client()
    client.force_login(alice)
    assert client.get("/api/v1/me/").json()["username"] == "alice"


def test_a_session_write_without_the_csrf_token_is_refused_and_changes_nothing(alice, topic):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(
        f"/api/v1/topics/{topic.pk}/posts/", {"body": "Hi"}, content_type="application/json"
    )
    body = problem_of(response, 403)
    assert "CSRF" in body["detail"]
    assert Post.objects.filter(topic=topic).count() == 1


def test_a_session_write_with_the_csrf_token_goes_through(alice, topic):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    client.get("/forum/")  # the site sets the csrftoken cookie its scripts read
    csrf = client.cookies["csrftoken"].value
    response = client.post(
        f"/api/v1/topics/{topic.pk}/posts/",
        {"body": "Hello from the page"},
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert response.status_code == 201, response.content


def test_a_token_write_needs_no_csrf_token(alice, topic):
    client = ApiClient(token_for(alice)[1])
    client.client = Client(enforce_csrf_checks=True)
    assert client.post(f"/api/v1/topics/{topic.pk}/posts/", {"body": "From a script"}).status_code == 201


@pytest.fixture
def rates():
    """``rates(token="2/minute")``: throttle rates for one test (DRF reads them once)."""
    from rest_framework.throttling import SimpleRateThrottle

    saved = SimpleRateThrottle.THROTTLE_RATES
    yield lambda **overrides: setattr(SimpleRateThrottle, "THROTTLE_RATES", {**saved, **overrides})
    SimpleRateThrottle.THROTTLE_RATES = saved


def test_each_token_has_its_own_budget(rates, alice):
    rates(token="2/minute")
    first, second = ApiClient(token_for(alice)[1]), ApiClient(token_for(alice)[1])
    assert [first.get("/api/v1/me/").status_code for _ in range(2)] == [200, 200]
    response = first.get("/api/v1/me/")
    body = problem_of(response, 429)
    assert body["type"] == "urn:hearth:problem:throttled" and body["retry_after"] >= 1
    assert int(response["Retry-After"]) >= 1
    assert second.get("/api/v1/me/").status_code == 200


def test_visitors_are_limited_per_address(rates):
    rates(anon="1/minute")
    client = ApiClient()
    assert client.get("/api/v1/rewards/").status_code == 200
    problem_of(client.get("/api/v1/rewards/"), 429)


def test_a_throttled_write_changes_nothing(rates, alice, topic):
    rates(write="1/minute")
    client = ApiClient(token_for(alice)[1])
    assert client.post(f"/api/v1/topics/{topic.pk}/posts/", {"body": "One"}).status_code == 201
    problem_of(client.post(f"/api/v1/topics/{topic.pk}/posts/", {"body": "Two"}), 429)
    assert Post.objects.filter(topic=topic).count() == 2
