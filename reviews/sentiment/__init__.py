"""Review sentiment: P(negative) for texts, from the backend the settings choose.

``HEARTH_SENTIMENT_BACKEND``:
* ``"minilm"``: the shared MiniLM encoder plus the committed logistic head (head.npz);
* ``"transformers"``: a local text-classification model folder
  (``HEARTH_SENTIMENT_MODEL_DIR``) with ``HEARTH_SENTIMENT_LABEL_MAP``;
* ``"lexicon"``: the small lexicon, for installs without torch;
* ``"auto"`` (default): minilm when torch and transformers are installed, else lexicon.

The backend is built once per process, on first use (in a Celery worker, never at web
start-up). When it cannot load, ``get_backend`` raises SentimentUnavailable and callers
leave the review pending for the periodic sweep.
"""

from __future__ import annotations

import importlib.util
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from .base import Backend, Score, SentimentUnavailable

__all__ = ["Backend", "Score", "SentimentUnavailable", "get_backend", "score_texts",
           "is_flagged", "is_confident", "Thresholds", "head_path", "reset_backend", "score_reply"]

_lock = threading.Lock()
_backend: Backend | None = None

HEAD_FILE = Path(__file__).resolve().parent / "head.npz"


def head_path() -> Path:
    return Path(getattr(settings, "HEARTH_SENTIMENT_HEAD", "") or HEAD_FILE)


def _build() -> Backend:
    choice = getattr(settings, "HEARTH_SENTIMENT_BACKEND", "auto")
    gate = float(getattr(settings, "HEARTH_SENTIMENT_CLAUSE_GATE", 0.9))
    if choice == "auto":
        has_torch = all(importlib.util.find_spec(m) is not None for m in ("torch", "transformers"))
        choice = "minilm" if has_torch else "lexicon"
    if choice == "minilm":
        from .minilm import MiniLMHeadBackend

        return MiniLMHeadBackend(head_path=head_path(), clause_gate=gate)
    if choice == "transformers":
        from .local_transformers import LocalTransformersBackend

        return LocalTransformersBackend(
            model_dir=getattr(settings, "HEARTH_SENTIMENT_MODEL_DIR", ""),
            label_map=getattr(settings, "HEARTH_SENTIMENT_LABEL_MAP", {}),
        )
    if choice == "lexicon":
        from .lexicon import LexiconBackend

        return LexiconBackend(clause_gate=gate)
    raise SentimentUnavailable(f"unknown HEARTH_SENTIMENT_BACKEND {choice!r}")


def get_backend() -> Backend:
    """The process-wide backend, built on first use. Raises SentimentUnavailable."""
    global _backend
    with _lock:
        if _backend is None:
            _backend = _build()
        return _backend


def reset_backend() -> None:
    """Forget the loaded backend (after retraining the head, or in tests)."""
    global _backend
    with _lock:
        _backend = None


def score_texts(texts: list[str]) -> list[Score]:
    """Score texts with the configured backend; with the clauses that made each score when
    the backend can say (``explain``)."""
    backend = get_backend()
    explain = getattr(backend, "explain", None)
    if explain is not None:
        return [Score(p_negative=float(p), backend=backend.name, clauses=tuple(clauses))
                for p, clauses in explain(texts)]
    return [Score(p_negative=float(p), backend=backend.name) for p in backend.p_negative(texts)]


def score_reply(text: str) -> Score:
    """The tone of a brand reply (see reply_tone): the lexicon, already loaded, unless
    HEARTH_SENTIMENT_REPLY_BACKEND is "model". Raises SentimentUnavailable only in that case."""
    if getattr(settings, "HEARTH_SENTIMENT_REPLY_BACKEND", "lexicon") == "model":
        return score_texts([text])[0]
    from .reply_tone import ReplyToneScorer

    scorer = ReplyToneScorer()
    return Score(p_negative=scorer.p_negative([text])[0], backend=scorer.name)


def threshold() -> float:
    """The deployment's P(negative) from which a 3-star review's text opens a follow-up (and a
    brand reply's tone asks for confirmation)."""
    return float(getattr(settings, "HEARTH_SENTIMENT_THRESHOLD", 0.5))


@dataclass(frozen=True)
class Thresholds:
    """Where the flag rule draws its lines. Staff may tune them in Wagtail (Settings →
    Sentiment thresholds); the deployment's settings are the defaults."""

    flag: float  # a 3-star review is flagged from this P(negative)
    # 4-5 star reviews: the stars say the member is happy, so only strong evidence of a
    # complaint in the text outweighs them.
    high_rating: float
    acknowledge: float  # a flagged 3-star review is confident enough to acknowledge

    @classmethod
    def defaults(cls) -> Thresholds:
        return cls(flag=threshold(),
                   high_rating=float(getattr(settings, "HEARTH_SENTIMENT_HIGH_RATING_THRESHOLD", 0.85)),
                   acknowledge=float(getattr(settings, "HEARTH_SENTIMENT_ACKNOWLEDGE_THRESHOLD", 0.75)))

    def for_rating(self, rating: int) -> float:
        """The P(negative) from which the text flags a review with these stars."""
        return self.high_rating if rating >= 4 else self.flag


def is_flagged(*, p_negative: float | None, rating: int, thresholds: Thresholds | None = None) -> bool:
    """The flag rule, stars and text together: 1-2 stars always; 3 stars when the text leans
    negative; 4-5 stars only on strong evidence of a complaint ("five stars, but it broke
    within a week" still is)."""
    if rating <= 2:
        return True
    if p_negative is None:
        return False
    return p_negative >= (thresholds or Thresholds.defaults()).for_rating(rating)


def is_confident(*, p_negative: float | None, rating: int, thresholds: Thresholds | None = None) -> bool:
    """Whether a flagged review is confidently negative, so that its author is told the team
    will follow up: stars and text agree (1-2 stars and a negative text), a 3-star text is
    clearly negative, or a 4-5 star text is clearly a complaint. An apology sent to a happy
    customer costs more than one not sent."""
    if p_negative is None:
        return False
    lines = thresholds or Thresholds.defaults()
    if rating <= 2:
        return p_negative >= lines.flag
    if rating >= 4:
        return p_negative >= lines.high_rating
    return p_negative >= lines.acknowledge
