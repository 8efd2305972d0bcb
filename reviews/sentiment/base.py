"""The one interface every sentiment backend implements, and the clause splitter they share.

A backend turns texts into P(negative) in [0, 1]. Reviews mix praise and complaint ("great
design, cracked within a week"), so a text is also cut into clauses: a clause that is
confidently negative on its own counts even when the whole text averages out positive.
A clause followed by a contrast ("it's pricey, but worth it") is discounted: what follows
"but" is what the writer means.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol


class SentimentUnavailable(RuntimeError):
    """The configured model cannot be loaded (missing files, broken install)."""


# A clause of a scored text: its character span in the text and its own P(negative).
ClauseScore = tuple[int, int, float]


@dataclass(frozen=True)
class Score:
    p_negative: float
    backend: str
    # What the score was made of, for staff to see why a text was flagged. Empty when the
    # backend cannot say (a whole-text classifier).
    clauses: tuple[ClauseScore, ...] = ()
    # Which model made it (``reviews.sentiment.model_version``), stored with the review.
    model_version: str = ""

    @property
    def label(self) -> str:
        return "negative" if self.p_negative >= 0.5 else "positive"


class Backend(Protocol):
    name: str

    def p_negative(self, texts: list[str]) -> list[float]:
        """P(negative) for each text, in order."""


def clause_scores(text: str, spans: list[tuple[int, int]], p_clauses: list[float],
                  p_text: float) -> list[ClauseScore]:
    """The clauses of a text with their scores; a single-clause text is its own clause."""
    if len(spans) < 2:
        start, end = spans[0] if spans else (0, len(text))
        return [(start, end, round(float(p_text), 3))]
    return [(a, b, round(float(p), 3)) for (a, b), p in zip(spans, p_clauses, strict=True)]


_BOUNDARY = re.compile(
    r"(?<=[.!?;:])\s+"  # sentence ends
    r"|,\s*(?=(?:but|yet|though|however|although|except)\b)"
    r"|\s+(?=(?:but|yet|however|though|although|except)\b)"
    r"|,\s+|\s+-+\s+",
    re.IGNORECASE,
)
_CONTRAST = re.compile(r"(?:but|yet|however|though|although|except)\b", re.IGNORECASE)


def clause_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the clauses of ``text`` (one span when it has a single clause)."""
    spans = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        if text[start:match.start()].strip():
            spans.append((start, match.start()))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans or [(0, len(text))]


def counted_clauses(text: str, spans: list[tuple[int, int]]) -> list[bool]:
    """Whether each clause counts on its own: not when the next clause opens a contrast."""
    counted = []
    for i, _span in enumerate(spans):
        follows = spans[i + 1] if i + 1 < len(spans) else None
        counted.append(not (follows and _CONTRAST.match(text, follows[0])))
    return counted


# A clause this clearly positive followed by one leaning negative is an unspoken "but":
# "great design, cracked within a week", "marvellous, a lunchbox that opens by itself".
PRAISE_BEFORE_COMPLAINT = 0.1


def combine(p_text: float, p_clauses: list[float], counted: list[bool], *, gate: float) -> float:
    """P(negative) of a text from its whole-text score and its clause scores: the whole
    text, raised to the most negative counted clause when that clause passes ``gate``, and
    to a negative clause that answers a contrast ("looks nice but the buttons stick"):
    what follows "but" is the writer's verdict, so it need only lean negative (>= 0.5).
    The same holds for a complaint right after clear praise with no "but" between them
    (the praise-then-complaint pattern of mixed product reviews, and of sarcasm).
    A gate above 1 turns the clause rules off: the whole text's score alone (a model whose
    cross-validation found it better so, ``finetune.cross_validate``)."""
    if len(p_clauses) < 2 or gate > 1.0:
        return p_text
    strongest = max((p for p, keep in zip(p_clauses, counted, strict=True) if keep), default=0.0)
    score = max(p_text, strongest) if strongest >= gate else p_text
    for i in range(1, len(p_clauses)):
        answers_contrast = not counted[i - 1]
        follows_praise = p_clauses[i - 1] < PRAISE_BEFORE_COMPLAINT
        if p_clauses[i] >= 0.5 and (answers_contrast or follows_praise):
            score = max(score, p_clauses[i])
    return score
