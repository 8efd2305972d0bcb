import os

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache

from community.site_tree import ensure_site_tree
from tests.base_data import base_data_missing, remember_group_grants, restore_base_data

IN_CI = os.environ.get("CI", "").lower() == "true"


def pytest_collection_modifyitems(config, items):
    """Tests marked `stack` need the real PostgreSQL and Redis. Outside CI they are skipped
    when the environment does not point at them; in CI a missing server is a failure."""
    has_stack = bool(os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL"))
    if has_stack:
        return
    for item in items:
        if "stack" in item.keywords:
            if IN_CI:
                item.add_marker(pytest.mark.stack_required_but_missing)
            else:
                item.add_marker(pytest.mark.skip(reason="needs DATABASE_URL and REDIS_URL"))


def pytest_runtest_setup(item):
    if "stack_required_but_missing" in item.keywords:
        pytest.fail("CI=true but DATABASE_URL/REDIS_URL are not set: the real stack is required")


def pytest_configure(config):
    config.addinivalue_line("markers", "stack_required_but_missing: internal")


@pytest.fixture(autouse=True)
def _fresh_cache():
    from moderation.services.trust import forget_marked_visits

    cache.clear()
    forget_marked_visits()  # it mirrors markers in the cache just emptied
    yield
    cache.clear()
    forget_marked_visits()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _migrated_rows(request):
    """Puts back what migrations created if an earlier transactional test flushed it."""
    uses_db = request.node.get_closest_marker("django_db") or {
        "db", "transactional_db", "live", "django_db_setup"} & set(request.fixturenames)
    if not uses_db:
        return
    request.getfixturevalue("django_db_setup")
    blocker = request.getfixturevalue("django_db_blocker")
    with blocker.unblock():
        if base_data_missing():
            restore_base_data()
        remember_group_grants()
        # A running site has every content type cached after its first requests; so do the
        # tests, or exact query counts would depend on which test ran first.
        ContentType.objects.get_for_models(*apps.get_models())


@pytest.fixture
def site_tree(db):
    return ensure_site_tree()


@pytest.fixture
def moderation_relaxed(settings):
    """Members write as established members would: no pre-moderation, newcomer limits, rate
    limits or spam signals in the way. For tests about something else than moderation."""
    settings.HEARTH_PREMODERATE = {key: "off" for key in settings.HEARTH_PREMODERATE}
    settings.HEARTH_TRUST_FIRST_DAY_CAPS = {}
    settings.HEARTH_TRUST_RATE_LIMITS = {}
    settings.HEARTH_TRUST_LINKS_MIN_LEVEL = 0
    settings.HEARTH_SPAM_MAX_LINKS = 10_000
    settings.HEARTH_SPAM_REPEAT_COUNT = 10_000
    settings.HEARTH_SPAM_MAX_CHARS_PER_SECOND = 10_000_000


# Members the forum and API tests share (a module may define its own of the same name).
@pytest.fixture
def category(db):
    from tests.forum.factories import CategoryFactory

    return CategoryFactory(name="Kitchen", slug="kitchen")


@pytest.fixture
def alice(db):
    from tests.factories import UserFactory

    return UserFactory(username="alice", display_name="Alice Moreau")


@pytest.fixture
def bob(db):
    from tests.factories import UserFactory

    return UserFactory(username="bob", display_name="Bob Tanaka")


@pytest.fixture
def carol(db):
    from tests.factories import UserFactory

    return UserFactory(username="carol", display_name="Carol Nguyen")


@pytest.fixture
def manager(db):
    from tests.factories import CommunityManagerFactory

    return CommunityManagerFactory(username="maya", display_name="Maya Lindqvist")
