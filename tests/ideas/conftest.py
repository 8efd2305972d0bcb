from datetime import UTC, datetime

import pytest

from ideas import clock
from ideas.models import Milestone
from ideas.services import similarity

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _text_similarity(settings):
    """Tests never load the sentence encoder unless they ask for it."""
    settings.HEARTH_IDEAS_SIMILARITY = "text"
    similarity.clear_cache()
    yield
    similarity.clear_cache()


@pytest.fixture
def frozen_clock():
    """The idea clock stopped at START; tests move it with clock.advance()."""
    clock.set_frozen(START)
    yield clock
    clock.reset()


@pytest.fixture
def small_ladder(db):
    """A short ladder so tests can reach every milestone with a handful of members:
    3 supporters in 10 days, then 5 within 20 more, then 7 within 30 more."""
    Milestone.objects.all().delete()
    return [Milestone.objects.create(supporters=s, window_days=d) for s, d in [(3, 10), (5, 20), (7, 30)]]


@pytest.fixture
def migrated_rows(transactional_db):
    """Transactional tests run on the migrated rows tests/conftest.py restores after flushes."""
    return transactional_db
