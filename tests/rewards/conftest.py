import pytest

from tests.badges.conftest import restore_badge_defaults


@pytest.fixture
def levels(db):
    """The default levels (Bronze 0, Silver 250, Gold 1000, Platinum 5000) and point rules."""
    restore_badge_defaults()


@pytest.fixture
def badge_defaults(transactional_db):
    restore_badge_defaults()
