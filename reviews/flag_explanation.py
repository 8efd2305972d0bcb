"""Why a review was flagged, in words staff can check: the stars, the score against the line
it crossed, and the clauses of the text that read as negative on their own (highlighted on
the follow-up page)."""

from __future__ import annotations

from dataclasses import dataclass

from reviews import sentiment
from reviews.models import Review


@dataclass(frozen=True)
class Segment:
    text: str
    p_negative: float | None = None  # set on a clause that drove the flag


@dataclass(frozen=True)
class FlagExplanation:
    reasons: list[str]
    segments: list[Segment]  # the review's text, cut where a driving clause starts and ends

    @property
    def highlights(self) -> bool:
        return any(segment.p_negative is not None for segment in self.segments)


def explain(review: Review, thresholds: sentiment.Thresholds) -> FlagExplanation:
    return FlagExplanation(reasons=_reasons(review, thresholds),
                           segments=_segments(review, thresholds))


def _driving_line(review: Review, thresholds: sentiment.Thresholds) -> float:
    return thresholds.high_rating if review.rating >= 4 else thresholds.flag


def _reasons(review: Review, thresholds: sentiment.Thresholds) -> list[str]:
    reasons = []
    stars = f"{review.rating} star{'s' if review.rating != 1 else ''}"
    if review.rating <= 2:
        reasons.append(f"{stars}: every 1-2 star review is followed up.")
    p = review.p_negative if review.sentiment == Review.Sentiment.SCORED else None
    if p is None:
        reasons.append("The text is not scored yet.")
        return reasons
    line = _driving_line(review, thresholds)
    if review.rating <= 2:
        verdict = ("the text agrees." if p >= line else
                   "the text reads positive: check whether the stars were meant.")
        reasons.append(f"The text scored P(negative) {p:.2f}; {verdict}")
    else:
        reasons.append(f"The text scored P(negative) {p:.2f}; {stars} reviews are flagged "
                       f"from {line:.2f}.")
    return reasons


def _segments(review: Review, thresholds: sentiment.Thresholds) -> list[Segment]:
    text = review.text
    line = _driving_line(review, thresholds)
    clauses = review.sentiment_clauses if review.sentiment == Review.Sentiment.SCORED else []
    segments, position = [], 0
    for start, end, p in _valid(clauses, len(text)):
        if p < line or start < position:
            continue
        if start > position:
            segments.append(Segment(text[position:start]))
        segments.append(Segment(text[start:end], p_negative=p))
        position = end
    if position < len(text):
        segments.append(Segment(text[position:]))
    return segments


def _valid(clauses, length: int) -> list[tuple[int, int, float]]:
    """Clauses as stored, ignoring any that do not fit the text (stored by an older version)."""
    valid = []
    for clause in clauses or []:
        try:
            start, end, p = int(clause[0]), int(clause[1]), float(clause[2])
        except (TypeError, ValueError, IndexError):
            continue
        if 0 <= start < end <= length:
            valid.append((start, end, p))
    return sorted(valid)
