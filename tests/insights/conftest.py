import pytest

from ideas.services import similarity
from reviews import sentiment


@pytest.fixture(autouse=True)
def _quick_writes(moderation_relaxed, settings):
    """Members write as established members would; reviews are scored by the lexicon and
    ideas compared by text (no model loads)."""
    settings.HEARTH_SENTIMENT_BACKEND = "lexicon"
    settings.HEARTH_IDEAS_SIMILARITY = "text"
    sentiment.reset_backend()
    similarity.clear_cache()
    yield
    sentiment.reset_backend()
    similarity.clear_cache()
