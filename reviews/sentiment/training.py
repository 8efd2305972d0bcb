"""Training and evaluation of the logistic head on MiniLM embeddings.

Data: ``train.tsv`` of the "Sentiment Labelled Sentences" set (Kotzias, Denil, de Freitas,
Smyth, "From Group to Individual Labels using Deep Features", KDD 2015), read from the shared
data folder and never copied here; plus ``data/hearth_reviews.tsv``, Hearth's own hand-written
product-review sentences (mixed reviews, negation, sarcasm), plus, on request, the feedback
staff leave when they mark a flagged review "not negative". ``test.tsv`` is only ever read by
``evaluate``: nothing is trained or tuned on it.

Training is deterministic: the same rows give the same head (lbfgs on a convex loss, rows in
file order, no random state involved).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.conf import settings

from .base import Backend
from .minilm import Head

HEARTH_SENTENCES = Path(__file__).resolve().parent / "data" / "hearth_reviews.tsv"
REGULARISATION_C = 1.0  # sklearn's default, fixed a priori (not tuned on any test data)


@dataclass(frozen=True)
class Example:
    text: str
    negative: bool


def default_train_file() -> Path:
    configured = getattr(settings, "HEARTH_SENTIMENT_TRAIN_FILE", "")
    return Path(configured) if configured else (
        Path(settings.BASE_DIR).parent / "shared" / "data" / "sentiment" / "train.tsv"
    )


def read_tsv(path: Path | str) -> list[Example]:
    """Rows of a TSV with ``text`` and ``label`` (negative/positive) columns."""
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        missing = {"text", "label"} - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"{path} has no {', '.join(sorted(missing))} column")
        examples = []
        for line, row in enumerate(reader, start=2):
            label = (row["label"] or "").strip().lower()
            if label not in {"negative", "positive"}:
                raise ValueError(f"{path}:{line}: label must be negative or positive, not {label!r}")
            examples.append(Example(text=row["text"], negative=label == "negative"))
    return examples


def train_head(examples: list[Example], *, embed) -> Head:
    from sklearn.linear_model import LogisticRegression

    features = embed([e.text for e in examples])
    labels = np.array([e.negative for e in examples], dtype=int)
    model = LogisticRegression(C=REGULARISATION_C, max_iter=5000, solver="lbfgs")
    model.fit(features, labels)
    return Head(model.coef_[0].astype(np.float32), float(model.intercept_[0]))


@dataclass(frozen=True)
class Evaluation:
    rows: int
    accuracy: float
    precision: float
    recall: float
    f1: float


def evaluate(examples: list[Example], backend: Backend, *, threshold: float) -> Evaluation:
    scores = backend.p_negative([e.text for e in examples])
    predicted = np.array([p >= threshold for p in scores])
    actual = np.array([e.negative for e in examples])
    true_pos = int((predicted & actual).sum())
    precision = true_pos / max(int(predicted.sum()), 1)
    recall = true_pos / max(int(actual.sum()), 1)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Evaluation(rows=len(examples), accuracy=float((predicted == actual).mean()),
                      precision=precision, recall=recall, f1=f1)
