"""Fallback backend for installs without torch: a small product-review lexicon.

Much weaker than the model (it is here so that a site without the ML extras still flags the
obvious cases); negation flips the next few words ("not bad", "never had an issue").
"""

from __future__ import annotations

import math
import re

from .base import ClauseScore, clause_scores, clause_spans, combine, counted_clauses

NEGATIVE = {
    "awful", "bad", "broke", "broken", "breaks", "burnt", "cheap", "cracked", "cracks", "crap",
    "dead", "defective", "died", "dies", "disappointed", "disappointing", "disappointment",
    "fail", "failed", "fails", "faulty", "flimsy", "garbage", "hate", "horrible", "issue",
    "issues", "junk", "leak", "leaks", "leaking", "lousy", "mediocre", "missing", "never",
    "noisy", "overpriced", "poor", "poorly", "problem", "problems", "refund", "regret",
    "return", "returned", "rude", "rust", "scratched", "slow", "snapped", "stopped", "terrible",
    "trash", "ugly", "unreliable", "useless", "waste", "wasted", "worse", "worst", "wrong",
    "annoying", "avoid", "bland", "buggy", "crackles", "drains", "flickers", "peeled", "rattles",
    "sticks", "stuck", "unhappy", "unusable", "weak",
}
POSITIVE = {
    "amazing", "awesome", "beautiful", "best", "brilliant", "comfortable", "delicious", "easy",
    "excellent", "fantastic", "fast", "fine", "good", "gorgeous", "great", "happy", "impressed",
    "impressive", "love", "loved", "lovely", "nice", "perfect", "perfectly", "pleased",
    "recommend", "recommended", "reliable", "solid", "sturdy", "superb", "wonderful", "works",
    "worth", "quiet", "durable", "favourite", "favorite", "enjoy", "enjoyed", "glad",
}
NEGATORS = {"not", "no", "never", "n't", "cannot", "cant", "dont", "didnt", "doesnt", "isnt",
            "wasnt", "wont", "wouldnt", "without", "hardly", "nothing", "zero"}
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


def _polarity(text: str) -> float:
    words = _WORD.findall(text.lower())
    total = 0.0
    negate_for = 0
    for word in words:
        bare = word.replace("'", "")
        if word.endswith("n't") or bare in NEGATORS:
            negate_for = 3
            if bare in NEGATIVE:  # "never" is itself a (weak) complaint word
                total -= 0.5
            continue
        value = 1.0 if bare in POSITIVE else -1.0 if bare in NEGATIVE else 0.0
        if negate_for:
            value = -value * 0.8
            negate_for -= 1
        total += value
    return total


def p_negative_of(text: str) -> float:
    return 1.0 / (1.0 + math.exp(1.5 * _polarity(text) + 0.3))


class LexiconBackend:
    name = "lexicon"

    def __init__(self, *, clause_gate: float):
        self.clause_gate = clause_gate

    def p_negative(self, texts: list[str]) -> list[float]:
        return [score for score, _clauses in self.explain(texts)]

    def explain(self, texts: list[str]) -> list[tuple[float, list[ClauseScore]]]:
        explained = []
        for text in texts:
            spans = clause_spans(text)
            p_text = p_negative_of(text)
            p_clauses = [p_negative_of(text[a:b]) for a, b in spans] if len(spans) > 1 else []
            score = combine(p_text, p_clauses, counted_clauses(text, spans), gate=self.clause_gate)
            explained.append((score, clause_scores(text, spans, p_clauses, p_text)))
        return explained
