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

The minilm head in use is the latest one the periodic retraining promoted
(``reviews.SentimentModel``; docs/reviews: "The model learns"), else the committed head.npz.
Every process follows a promotion within ``PROMOTION_CHECK_SECONDS``: before scoring it
compares its head's version with the one the cache names (one cache read) and loads the
promoted head from the database when they differ; the encoder stays loaded.
"""

from __future__ import annotations

import importlib.util
import threading
from dataclasses import dataclass, replace
from pathlib import Path

from django.conf import settings
from django.core.cache import cache

from .base import Backend, Score, SentimentUnavailable

__all__ = ["Backend", "Score", "SentimentUnavailable", "get_backend", "score_texts",
           "is_flagged", "is_confident", "Thresholds", "head_path", "reset_backend", "score_reply",
           "model_version", "announce_promotion"]

_lock = threading.Lock()
_backend: Backend | None = None

HEAD_FILE = Path(__file__).resolve().parent / "head.npz"
PROMOTED_KEY = "reviews:sentiment:promoted-model"
PROMOTION_CHECK_SECONDS = 300


def head_path() -> Path:
    return Path(getattr(settings, "HEARTH_SENTIMENT_HEAD", "") or HEAD_FILE)


def clause_gate() -> float:
    """From which P(negative) a clause raises its text's score on its own (base.combine)."""
    return float(getattr(settings, "HEARTH_SENTIMENT_CLAUSE_GATE", 0.9))


def _build() -> Backend:
    choice = getattr(settings, "HEARTH_SENTIMENT_BACKEND", "auto")
    gate = clause_gate()
    if choice == "auto":
        has_torch = all(importlib.util.find_spec(m) is not None for m in ("torch", "transformers"))
        choice = "minilm" if has_torch else "lexicon"
    if choice == "minilm":
        from .minilm import MiniLMHeadBackend

        return MiniLMHeadBackend(head_path=head_path(), clause_gate=gate, head=_promoted_head())
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


def model_version(backend: Backend) -> str:
    """What names the model a score came from: the head's version for minilm (its weights'
    digest), the backend's name otherwise."""
    return getattr(backend, "version", "") or backend.name


def _promoted_version() -> str:
    """The version of the latest promoted head ("" for none: the committed head), from the
    cache, read from the database at most every PROMOTION_CHECK_SECONDS."""
    version = cache.get(PROMOTED_KEY)
    if version is None:
        from reviews.models import SentimentModel

        version = (SentimentModel.objects.filter(decision=SentimentModel.Decision.PROMOTED)
                   .order_by("-created_at", "-pk").values_list("version", flat=True).first() or "")
        cache.set(PROMOTED_KEY, version, PROMOTION_CHECK_SECONDS)
    return version


def _promoted_head():
    """The latest promoted head, or None for the committed one."""
    from reviews.models import SentimentModel

    from .minilm import Head

    version = _promoted_version()
    row = SentimentModel.objects.filter(version=version).values_list("head", flat=True).first() \
        if version else None
    return Head.from_bytes(bytes(row)) if row is not None else None


def announce_promotion(version: str) -> None:
    """Tell every process (through the cache) that ``version`` is now the model in use."""
    cache.set(PROMOTED_KEY, version, PROMOTION_CHECK_SECONDS)


def _follow_promotions(backend: Backend) -> None:
    head = getattr(backend, "head", None)
    if head is None:
        return
    wanted = _promoted_version()
    if wanted and wanted != backend.version:
        promoted = _promoted_head()
        if promoted is not None:
            with _lock:
                backend.use(promoted)


def score_texts(texts: list[str]) -> list[Score]:
    """Score texts with the configured backend; with the clauses that made each score when
    the backend can say (``explain``), and the version of the model that scored them."""
    backend = get_backend()
    _follow_promotions(backend)
    explain = getattr(backend, "explain", None)
    if explain is not None:
        scores = [Score(p_negative=float(p), backend=backend.name, clauses=tuple(clauses))
                  for p, clauses in explain(texts)]
    else:
        scores = [Score(p_negative=float(p), backend=backend.name) for p in backend.p_negative(texts)]
    version = model_version(backend)
    return [replace(score, model_version=version) for score in scores]


def tone_scorer(texts: list[str]) -> list[tuple[float, str]]:
    """The review model lent to ``community.tone`` (forum posts, idea comments): P(negative)
    and the model's version of each text."""
    from community.tone import ToneUnavailable

    try:
        return [(score.p_negative, score.model_version) for score in score_texts(texts)]
    except SentimentUnavailable as exc:
        raise ToneUnavailable(str(exc)) from exc


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
