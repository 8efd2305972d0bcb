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
from pathlib import Path

from django.conf import settings

from .base import Backend, Score, SentimentUnavailable

__all__ = ["Backend", "Score", "SentimentUnavailable", "get_backend", "score_texts",
           "is_flagged", "head_path", "reset_backend", "score_reply"]

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
    backend = get_backend()
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
    return float(getattr(settings, "HEARTH_SENTIMENT_THRESHOLD", 0.5))


def is_flagged(*, p_negative: float | None, rating: int) -> bool:
    """The flag rule: 1-2 stars always; otherwise the text decides, whatever the stars
    ("five stars, broke after a week" is flagged)."""
    if rating <= 2:
        return True
    return p_negative is not None and p_negative >= threshold()
