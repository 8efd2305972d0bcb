"""The anonymous full-page cache (community/page_cache.py): served only to visitors without a
session, each with their own CSRF token, and every committed change is visible at once."""

import re

import pytest
from django.test import Client

from community import page_cache
from forum import services
from tests.factories import CommunityManagerFactory, UserFactory
from tests.forum.factories import make_reply, make_topic

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("moderation_relaxed")]

TOKEN = re.compile(r'<meta name="csrf-token" content="([A-Za-z0-9]{64})">')


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.HEARTH_ANONYMOUS_PAGE_CACHE = True


@pytest.fixture
def topic():
    return make_topic(title="Descaling the kettle", body="It tastes of limescale.")


def _page(client, topic):
    response = client.get(topic.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_a_second_anonymous_visit_is_served_without_queries(topic, django_assert_num_queries):
    _page(Client(), topic)
    with django_assert_num_queries(0):
        html = _page(Client(), topic)
    assert "It tastes of limescale." in html


def test_each_visitor_from_the_cache_gets_a_working_token_of_their_own(topic):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    _page(first, topic)
    html = _page(second, topic)
    token = TOKEN.search(html).group(1)
    assert page_cache.PLACEHOLDER.decode() not in html
    assert second.cookies["csrftoken"].value != first.cookies["csrftoken"].value
    # The token in the cached page is valid for this visitor's cookie: the login form accepts it.
    response = second.post("/accounts/login/", {"login": "nobody", "password": "wrong",
                                                "csrfmiddlewaretoken": token})
    assert response.status_code == 200  # a form error, not a CSRF refusal (403)


def test_a_new_reply_is_visible_at_once_after_commit(topic, django_capture_on_commit_callbacks):
    _page(Client(), topic)
    with django_capture_on_commit_callbacks(execute=True):
        make_reply(topic, body="Citric acid works wonders.")
    assert "Citric acid works wonders." in _page(Client(), topic)


def test_an_edit_is_visible_at_once_after_commit(topic, django_capture_on_commit_callbacks):
    reply = make_reply(topic, body="Try vinegar.")
    _page(Client(), topic)
    with django_capture_on_commit_callbacks(execute=True):
        services.edit_post(editor=reply.author, post=reply, body="Try lemon juice instead.")
    html = _page(Client(), topic)
    assert "Try lemon juice instead." in html
    assert "Try vinegar." not in html


def test_a_hidden_post_leaves_the_cached_page_at_once(topic, django_capture_on_commit_callbacks):
    reply = make_reply(topic, body="Buy my descaler at example.com")
    assert "Buy my descaler" in _page(Client(), topic)
    with django_capture_on_commit_callbacks(execute=True):
        services.hide_post(actor=CommunityManagerFactory(), post=reply, reason="spam")
    assert "Buy my descaler" not in _page(Client(), topic)


def test_a_change_not_yet_committed_does_not_invalidate(topic, django_capture_on_commit_callbacks):
    _page(Client(), topic)
    version = page_cache.current_version()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        make_reply(topic, body="Still in the transaction.")
    assert page_cache.current_version() == version
    assert page_cache.bump_version in callbacks


def test_members_are_never_served_from_the_cache(topic, django_assert_num_queries):
    author = UserFactory()
    hidden = make_reply(topic, author=author, body="My own hidden reply.")
    services.hide_post(actor=CommunityManagerFactory(), post=hidden, reason="off topic")
    _page(Client(), topic)
    member = Client()
    member.force_login(author)
    assert "My own hidden reply." in _page(member, topic)
    assert "My own hidden reply." not in _page(Client(), topic)


def test_htmx_requests_and_other_query_strings_bypass_the_cache(topic):
    _page(Client(), topic)
    client = Client()
    assert client.get(topic.get_absolute_url(), HTTP_HX_REQUEST="true").status_code == 200
    assert not page_cache._cacheable_request(client.get(f"{topic.get_absolute_url()}?x=1").wsgi_request)
