"""The cache fails soft: with Redis unreachable, reads miss, writes are dropped, rate limits
fail open, and pages still render from the database. (Runs without the stack: nothing
listens on the port the cache points at.)"""

import logging

import pytest
from django.core.cache import caches
from django.test import Client

from community import cache_versions
from moderation.services.limits import check_can_act
from tests.factories import PASSWORD, UserFactory
from tests.forum.factories import make_reply, make_topic

DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def dead_cache(settings):
    settings.CACHES = {"default": {
        "BACKEND": "community.cache.FailSoftRedisCache", "LOCATION": DEAD_REDIS,
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}}
    yield caches["default"]


def test_every_cache_operation_fails_soft(dead_cache):
    assert dead_cache.get("k", "default") == "default"
    assert dead_cache.set("k", 1) is None
    assert dead_cache.add("k", 1) is True  # fails open: a lock nobody can take is no lock
    assert dead_cache.get_many(["a", "b"]) == {}
    assert dead_cache.delete("k") is False
    assert dead_cache.has_key("k") is False
    with pytest.raises(ValueError):
        dead_cache.incr("k")  # as a missing key: callers start afresh


@pytest.mark.django_db
def test_rate_limits_fail_open_while_the_cache_is_down(dead_cache, settings):
    settings.HEARTH_TRUST_RATE_LIMITS = {level: {"reply": (1, 3600)} for level in range(5)}
    settings.HEARTH_TRUST_FIRST_DAY_CAPS = {"reply": 1000}
    member = UserFactory(username="talker")
    for _ in range(3):
        check_can_act(user=member, action="reply", text="Thanks, that worked.")  # never refused


@pytest.mark.django_db
def test_pages_and_sign_in_work_while_the_cache_is_down(dead_cache, client, site_tree):
    member = UserFactory(username="visitor")
    client.force_login(member)  # the session (cached_db) is written to the database
    response = client.get(f"/u/{member.username}/")
    assert response.status_code == 200
    assert response.wsgi_request.user == member
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_a_member_signs_in_through_the_form_while_the_cache_is_down(dead_cache, client, site_tree):
    member = UserFactory(username="returning")
    # allauth takes its rate-limit lock with cache.add before checking the password.
    response = client.post("/accounts/login/", {"login": "returning", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").wsgi_request.user == member
    # A wrong password is still told so (a form error, not "too many attempts").
    refused = Client().post("/accounts/login/", {"login": "returning", "password": "not-the-password"})
    assert refused.status_code == 200 and b"not correct" in refused.content


@pytest.mark.django_db
def test_writes_while_the_cache_is_down_log_no_error_from_the_page_cache(
        dead_cache, settings, caplog, django_capture_on_commit_callbacks, moderation_relaxed):
    settings.HEARTH_ANONYMOUS_PAGE_CACHE = True
    topic = make_topic(title="Descaling the kettle")
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        make_reply(topic, body="Citric acid works wonders.")  # commits bump the topic's version
    assert [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR] == []
    # No version can be read: no page is stored or served meanwhile, and the page still answers.
    assert cache_versions.version_of("topic", topic.pk) is None
    assert Client().get(topic.get_absolute_url()).status_code == 200


def test_cache_backends_of_different_requests_share_one_connection_pool():
    """Under ASGI each request gets its own cache backend object: they must not each open a
    connection to Redis."""
    from community.cache import FailSoftRedisCache

    params = {"OPTIONS": {"socket_connect_timeout": 0.5}}
    first = FailSoftRedisCache(DEAD_REDIS, params)._cache._get_connection_pool(write=True)
    second = FailSoftRedisCache(DEAD_REDIS, params)._cache._get_connection_pool(write=False)
    other = FailSoftRedisCache("redis://127.0.0.1:1/1", params)._cache._get_connection_pool(write=True)
    assert first is second
    assert other is not first  # another database (or server) has its own pool
