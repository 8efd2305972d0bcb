"""The sentiment model learns from staff: once enough new feedback exists ("Not negative" on a
flagged review, "Missed: this is negative" on an unflagged one), a new model is trained on the
training sentences, the hand-written ones and the feedback (fine-tuned like the committed one,
``sentiment.finetune``, when the model in use is fine-tuned; else a head on the shared
encoder), and judged against the model in
use on a held-back part of the data that neither was trained on for this decision. It is
promoted only if it is not worse (accuracy and negative F1); either way the decision is
recorded (``reviews.SentimentModel``), with the figures of both, for staff to see.

The held-back rows are a fixed fifth of every source (chosen by a digest of the text, so the
same sentence is always on the same side): the feedback rows held back were never seen by the
model in use; the sentences of ``train.tsv`` held back were seen by the committed head, which
only makes the model in use harder to beat."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import asdict

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from reviews import sentiment
from reviews.models import SentimentModel
from reviews.selectors import feedback_examples, feedback_since_last_model

logger = logging.getLogger(__name__)

HELD_BACK_ONE_IN = 5


class RetrainingUnavailable(RuntimeError):
    """Retraining cannot run here (no training sentences, or not the minilm model)."""


def new_feedback_count() -> int:
    """Feedback given since the last model was trained (all of it before the first)."""
    return feedback_since_last_model()


def min_new_feedback() -> int:
    return int(getattr(settings, "HEARTH_SENTIMENT_RETRAIN_MIN_FEEDBACK", 20))


def _held_back(text: str) -> bool:
    return hashlib.blake2b(text.strip().lower().encode(), digest_size=4).digest()[0] % HELD_BACK_ONE_IN == 0


def _examples():
    from reviews.sentiment import training

    source = training.default_train_file()
    if not source.exists():
        raise RetrainingUnavailable(f"no training sentences at {source}")
    if source.name == "test.tsv":
        raise RetrainingUnavailable("test.tsv is for evaluation only")
    feedback = feedback_examples()
    examples = (training.read_tsv(source)
                + training.read_tsv(training.HEARTH_SENTENCES, hand_written=True) + feedback)
    return examples, len(feedback)


def retrain(*, force: bool = False) -> SentimentModel | None:
    """Train a candidate when enough new feedback exists (or ``force``), judge it and record
    the decision. None when there was not enough new feedback. Raises RetrainingUnavailable."""
    if not force and new_feedback_count() < min_new_feedback():
        return None
    from reviews.sentiment import training
    from reviews.sentiment.minilm import MiniLMHeadBackend

    current = sentiment.get_backend()
    if not isinstance(current, MiniLMHeadBackend):
        raise RetrainingUnavailable(f"retraining needs the minilm model, not {current.name}")
    examples, feedback_rows = _examples()
    kept = [example for example in examples if not _held_back(example.text)]
    held = [example for example in examples if _held_back(example.text)]
    head = _train_like(current, kept)
    candidate = MiniLMHeadBackend(head_path="", clause_gate=current.clause_gate, head=head)
    threshold = sentiment.threshold()
    judged = {"candidate": training.evaluate(held, candidate, threshold=threshold),
              "current": training.evaluate(held, current, threshold=threshold)}
    better = (judged["candidate"].accuracy >= judged["current"].accuracy
              and judged["candidate"].f1 >= judged["current"].f1)
    return _record(head=head, current_version=current.version, better=better, judged=judged,
                   trained_rows=len(kept), feedback_rows=feedback_rows, held_out_rows=len(held))


def _train_like(current, examples):
    """A candidate of the same kind as the model in use."""
    from reviews.sentiment import finetune, training

    if current.head.adapter:
        recipe = finetune.Recipe(epochs=int(getattr(settings, "HEARTH_SENTIMENT_RETRAIN_EPOCHS", 3)))
        # The clause gate and the threshold the model in use was validated with carry over:
        # a daily job has no time for the five folds that chose them (15 minutes on two cores).
        return finetune.validated(finetune.fine_tune(examples, recipe=recipe),
                                  shift=current.head.bias_shift, clause_gate=current.head.clause_gate)
    features = training.Features.compute([e.text for e in examples],
                                          embed_spans=current.encoder.embed_spans)
    head, _selection = training.select_and_train(examples, features)
    return head


def _record(*, head, current_version: str, better: bool, judged: dict, trained_rows: int,
            feedback_rows: int, held_out_rows: int) -> SentimentModel:
    new, old = judged["candidate"], judged["current"]
    figures = (f"accuracy {new.accuracy:.3f} against {old.accuracy:.3f}, "
               f"negative F1 {new.f1:.3f} against {old.f1:.3f} on {held_out_rows} held-back rows")
    if head.version == current_version:
        better, reason = False, f"The same model as the one in use ({figures})."
    elif better:
        reason = f"Not worse than the model in use: {figures}."
    else:
        reason = f"Worse than the model in use: {figures}."
    decision = SentimentModel.Decision.PROMOTED if better else SentimentModel.Decision.KEPT_BACK
    with transaction.atomic():
        model, _created = SentimentModel.objects.update_or_create(
            version=head.version,
            defaults={"head": head.to_bytes(), "replaced_version": current_version,
                      "decision": decision, "reason": reason[:300], "trained_rows": trained_rows,
                      "feedback_rows": feedback_rows, "held_out_rows": held_out_rows,
                      "metrics": {name: asdict(figures) for name, figures in judged.items()},
                      "created_at": timezone.now()})
        if better:
            transaction.on_commit(lambda: sentiment.announce_promotion(model.version))
    logger.info("sentiment model %s %s: %s", model.version, decision, reason)
    return model
