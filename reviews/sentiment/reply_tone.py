"""The tone check of a brand reply before it is published: cheap and predictable.

A web request must not load the review model (seconds and ~450 MB on first use), and a
reply's sentiment is the wrong question anyway: a good reply names the problem ("sorry the lid
cracked") and would read as negative. What staff are warned about is a hostile or dismissive
tone ("your review is useless", "you obviously used it wrong"). So the check is a small
lexicon of hostile and conciliatory wording, pure Python, ready at import.
``HEARTH_SENTIMENT_REPLY_BACKEND = "model"`` uses the review model instead (for deployments
whose web processes may load it).
"""

from __future__ import annotations

import math
import re

HOSTILE = {
    "useless", "wrong", "fault", "stupid", "nonsense", "lie", "lies", "liar", "lying", "ridiculous",
    "complaining", "whining", "blame", "misused", "misuse", "rude", "idiot", "idiotic", "pathetic",
    "clearly", "obviously", "nobody", "ignorant", "fake", "rubbish", "absurd", "unreasonable",
    "deserve", "careless", "lazy", "dishonest", "incompetent", "hate", "awful", "terrible", "shut",
}
CONCILIATORY = {
    "sorry", "apologise", "apologize", "apologies", "thank", "thanks", "help", "happy", "glad",
    "replacement", "replace", "refund", "please", "understand", "appreciate", "contact", "fix",
}
NEGATORS = {"not", "no", "never", "n't", "nothing"}
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


def p_hostile(text: str) -> float:
    """P(the reply reads as hostile or dismissive), from its wording."""
    hostile = conciliatory = 0.0
    negated = 0
    for word in _WORD.findall(text.lower()):
        bare = word.replace("'", "")
        if word.endswith("n't") or bare in NEGATORS:
            negated = 2
            continue
        if bare in HOSTILE:
            # "not your fault" is conciliatory; "your fault" is not.
            conciliatory, hostile = (conciliatory + 1, hostile) if negated else (conciliatory, hostile + 1)
        elif bare in CONCILIATORY:
            conciliatory += 0.5 if negated else 1
        negated = max(0, negated - 1)
    return 1.0 / (1.0 + math.exp(-(2.0 * hostile - 1.0 * conciliatory - 1.0)))


class ReplyToneScorer:
    name = "reply-tone"

    def p_negative(self, texts: list[str]) -> list[float]:
        return [p_hostile(text) for text in texts]
