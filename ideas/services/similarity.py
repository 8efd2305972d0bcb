"""Similar-idea suggestions while a member types a title, to prevent duplicates.

With the sentence encoder (community.encoder) each published idea's embedding is stored when
it is published (a Celery task) and suggestions rank by cosine similarity with numpy over an
in-process cache of those vectors. Without the encoder (not installed, or switched off with
HEARTH_IDEAS_SIMILARITY = "text") suggestions come from a word match on titles and
descriptions.

The web request never waits for the model: the query's embedding is computed on the
process's encoder thread (community.encoder_worker) within HEARTH_IDEAS_SIMILAR_BUDGET_SECONDS.
While the encoder is loading (the first suggestion after a start begins loading it in the
background), busy with another request, or slower than the budget, the text search answers.
"""

from __future__ import annotations

import logging
import re
import threading

import numpy as np
from django.conf import settings
from django.db.models import Case, IntegerField, Q, Value, When

from community import encoder, encoder_worker
from ideas import clock
from ideas.models import Idea, Status

logger = logging.getLogger(__name__)

MIN_SCORE = 0.45
STOP_WORDS = {
    "the", "and", "for", "with", "that", "this", "from", "have", "more", "your", "into", "would",
    "should", "could", "about", "make", "add", "please", "able", "allow", "new",
}

_cache_lock = threading.Lock()
_vectors: dict[int, np.ndarray] = {}
_watermark: dict[str, object] = {"embedded_at": None}


def semantic_enabled() -> bool:
    return settings.HEARTH_IDEAS_SIMILARITY == "semantic" and encoder.available()


def _text_for(idea: Idea) -> str:
    return f"{idea.title}\n{idea.description[:1000]}"


def store_embedding(*, idea_id: int) -> bool:
    """Compute and store the idea's embedding. Returns False when the encoder is off."""
    if not semantic_enabled():
        return False
    idea = Idea.objects.filter(pk=idea_id).only("pk", "title", "description").first()
    if idea is None:
        return False
    try:
        vector = encoder.embed([_text_for(idea)])[0].astype(np.float32)
    except encoder.EncoderUnavailable:
        logger.warning("encoder unavailable; idea %s keeps no embedding", idea_id)
        return False
    Idea.objects.filter(pk=idea_id).update(embedding=vector.tobytes(), embedded_at=clock.now())
    return True


def _refresh_cache() -> None:
    """Load embeddings stored since the last refresh (by embedded_at), so each request
    reads only new rows."""
    with _cache_lock:
        since = _watermark["embedded_at"]
        rows = Idea.objects.filter(embedding__isnull=False)
        if since is not None:
            rows = rows.filter(embedded_at__gte=since)
        latest = since
        for pk, blob, embedded_at in rows.values_list("pk", "embedding", "embedded_at").iterator():
            _vectors[pk] = np.frombuffer(bytes(blob), dtype=np.float32)
            if latest is None or embedded_at > latest:
                latest = embedded_at
        _watermark["embedded_at"] = latest


def clear_cache() -> None:
    with _cache_lock:
        _vectors.clear()
        _watermark["embedded_at"] = None


def similar_ideas(*, text: str, limit: int = 5, exclude_id: int | None = None) -> list[Idea]:
    """Published, unmerged ideas most like ``text`` (best first); hidden and deleted ideas
    are never suggested."""
    text = (text or "").strip()
    if len(text) < 4:
        return []
    candidates = Idea.objects.readable().exclude(status=Status.MERGED)
    if exclude_id:
        candidates = candidates.exclude(pk=exclude_id)
    if semantic_enabled():
        try:
            return _semantic(text, candidates, limit)
        except encoder_worker.EncoderBusy:
            pass  # loading, busy or over budget: the text search answers at once
        except encoder.EncoderUnavailable:
            logger.warning("encoder unavailable; falling back to text search", exc_info=True)
    return _text(text, candidates, limit)


def _semantic(text: str, candidates, limit: int) -> list[Idea]:
    _refresh_cache()
    if not _vectors:
        return _text(text, candidates, limit)
    query = encoder_worker.embed_within_budget(
        [text], seconds=settings.HEARTH_IDEAS_SIMILAR_BUDGET_SECONDS)[0]
    ids = np.fromiter(_vectors.keys(), dtype=np.int64)
    matrix = np.stack(list(_vectors.values()))
    scores = matrix @ query  # both sides are L2-normalised: the dot product is the cosine
    order = np.argsort(-scores)
    ranked = [int(ids[i]) for i in order if scores[i] >= MIN_SCORE][: limit * 3]
    found = {idea.pk: idea for idea in candidates.filter(pk__in=ranked).select_related("next_milestone")}
    return [found[pk] for pk in ranked if pk in found][:limit]


def _text(text: str, candidates, limit: int) -> list[Idea]:
    words = [w for w in re.findall(r"\w+", text.lower()) if len(w) >= 3 and w not in STOP_WORDS][:8]
    if not words:
        return []
    score = sum(
        (Case(When(Q(title__icontains=w), then=Value(2)), When(Q(description__icontains=w), then=Value(1)),
              default=Value(0), output_field=IntegerField()) for w in words),
        Value(0),
    )
    matches = Q()
    for word in words:
        matches |= Q(title__icontains=word) | Q(description__icontains=word)
    return list(
        candidates.filter(matches).annotate(match_score=score).select_related("next_milestone")
        .order_by("-match_score", "-support_count", "-pk")[:limit]
    )
