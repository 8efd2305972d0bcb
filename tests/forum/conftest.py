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
