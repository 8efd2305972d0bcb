import pytest

from tests.factories import CommunityManagerFactory, UserFactory
from tests.forum.factories import CategoryFactory


@pytest.fixture
def category(db):
    return CategoryFactory(name="Kitchen", slug="kitchen")


@pytest.fixture
def alice(db):
    return UserFactory(username="alice", display_name="Alice Moreau")


@pytest.fixture
def bob(db):
    return UserFactory(username="bob", display_name="Bob Tanaka")


@pytest.fixture
def carol(db):
    return UserFactory(username="carol", display_name="Carol Nguyen")


@pytest.fixture
def manager(db):
    return CommunityManagerFactory(username="maya", display_name="Maya Lindqvist")


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """``with commit():`` runs what the enclosed writes registered for after commit (signals,
    live events, notification tasks), as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture(autouse=True)
def _moderation_out_of_the_way(request, settings):
    """Forum tests that are not about moderation write as established members would: no
    pre-moderation, limits or spam signals in the way. Tests about how the forum and
    moderation work together ask for ``moderation_on`` and get the real settings."""
    if "moderation_on" not in request.fixturenames:
        request.getfixturevalue("moderation_relaxed")


@pytest.fixture
def moderation_on(settings):
    """The project's moderation settings as they ship (see config/settings/base.py)."""
    return settings
