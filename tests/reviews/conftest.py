import pytest

from reviews import sentiment


@pytest.fixture(autouse=True)
def _lexicon_sentiment(settings):
    """App tests score with the lexicon (instant); tests of the model load it themselves."""
    settings.HEARTH_SENTIMENT_BACKEND = "lexicon"
    sentiment.reset_backend()
    yield
    sentiment.reset_backend()
