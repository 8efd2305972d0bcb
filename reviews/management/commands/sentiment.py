"""``manage.py sentiment train|evaluate|score|rescore``: the review sentiment model's tools."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reviews import sentiment
from reviews.sentiment import finetune, training


class Command(BaseCommand):
    help = "Train, evaluate and run the review sentiment model."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        train = sub.add_parser("train", help="Re-derive the committed model from train.tsv: "
                                             "fine-tune the encoder and its head.")
        train.add_argument("--file", help="training TSV (default: the shared train.tsv)")
        train.add_argument("--output", help="where to write the model (default: the configured head)")
        train.add_argument("--include-feedback", action="store_true",
                           help="also learn from staff feedback on flags")
        train.add_argument("--head-only", action="store_true",
                           help="train only a logistic head on the shared encoder (seconds)")
        train.add_argument("--folds", type=int, default=5,
                           help="print figures cross-validated over this many folds first (0: skip)")
        train.add_argument("--epochs", type=int, default=finetune.Recipe.epochs)
        train.add_argument("--seed", type=int, default=finetune.Recipe.seed)
        evaluate = sub.add_parser("evaluate", help="Accuracy and negative-class P/R/F1 on a TSV.")
        evaluate.add_argument("--file", required=True, help="TSV with text and label columns")
        sub.add_parser("score", help="Score lines read from stdin.")
        rescore = sub.add_parser("rescore", help="Score every review again, in batches.")
        rescore.add_argument("--batch-size", type=int, default=64)
        rescore.add_argument("--stale", action="store_true",
                             help="only reviews another model (or none) scored")
        retrain = sub.add_parser("retrain", help="Train a head with staff feedback and promote it "
                                                 "if it is not worse on the held-back rows.")
        retrain.add_argument("--force", action="store_true",
                             help="train even with little new feedback")

    def handle(self, *args, action, **options):
        return getattr(self, f"do_{action}")(**options)

    def do_train(self, *, file=None, output=None, include_feedback=False, head_only=False,
                 folds=5, epochs=3, seed=0, **_):
        examples = self._training_examples(file, include_feedback=include_feedback)
        started = time.perf_counter()
        if head_only:
            head = self._train_head(examples)
        else:
            head = self._fine_tune(examples, folds=folds,
                                   recipe=finetune.Recipe(epochs=epochs, seed=seed))
        target = Path(output) if output else sentiment.head_path()
        head.save(target)
        sentiment.reset_backend()
        self.stdout.write(self.style.SUCCESS(
            f"{head.version}: trained on {len(examples)} rows in "
            f"{time.perf_counter() - started:.1f}s -> {target}"))

    def _training_examples(self, file, *, include_feedback: bool) -> list[training.Example]:
        source = Path(file) if file else training.default_train_file()
        if not source.exists():
            raise CommandError(f"no training file at {source}")
        if source.name == "test.tsv":
            raise CommandError("test.tsv is for evaluation only; refusing to train on it")
        try:
            examples = training.read_tsv(source) + training.read_tsv(training.HEARTH_SENTENCES,
                                                                      hand_written=True)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if include_feedback:
            from reviews.selectors import feedback_examples

            feedback = feedback_examples()
            examples += feedback
            self.stdout.write(f"feedback examples: {len(feedback)}")
        return examples

    def _train_head(self, examples):
        from community import encoder

        try:
            features = training.Features.compute([e.text for e in examples],
                                                  embed_spans=encoder.get_encoder().embed_spans)
        except encoder.EncoderUnavailable as exc:
            raise CommandError(f"the encoder is not available: {exc}") from exc
        head, chosen = training.select_and_train(examples, features)
        self.stdout.write(
            f"chosen by {training.FOLDS}-fold cross-validation on the training rows: C={chosen.c}, "
            f"hand-written weight={chosen.hand_written_weight}, bias shift={chosen.bias_shift} "
            f"(held-out accuracy {chosen.cv_accuracy_general:.3f} general, "
            f"{chosen.cv_accuracy_hand_written:.3f} hand-written)")
        return head

    def _fine_tune(self, examples, *, folds: int, recipe: finetune.Recipe):
        self.stdout.write(f"fine-tuning: {recipe}")
        shift, gate = 0.0, None
        try:
            if folds > 1:
                figures = finetune.cross_validate(examples, folds=folds, recipe=recipe,
                                                  progress=self._progress)
                shift, gate = figures.bias_shift, figures.clause_gate
                self.stdout.write("")
                self.stdout.write(
                    f"{folds}-fold cross-validated on the training rows, clause gate {gate}, "
                    f"bias shift {shift}: "
                    f"accuracy {figures.accuracy:.3f}, negative precision {figures.precision:.3f}, "
                    f"negative recall {figures.recall:.3f}, negative F1 {figures.f1:.3f}")
            head = finetune.fine_tune(examples, recipe=recipe, progress=self._progress)
        except sentiment.SentimentUnavailable as exc:
            raise CommandError(f"the encoder is not available: {exc}") from exc
        self.stdout.write("")
        return finetune.validated(head, shift=shift, clause_gate=gate)

    def do_evaluate(self, *, file, **_):
        try:
            examples = training.read_tsv(file)
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        backend = self._backend()
        started = time.perf_counter()
        result = training.evaluate(examples, backend, threshold=sentiment.threshold())
        elapsed = time.perf_counter() - started
        self.stdout.write(f"backend: {backend.name}  rows: {result.rows}  ({elapsed:.1f}s)")
        self.stdout.write(f"accuracy: {result.accuracy:.3f}")
        self.stdout.write(f"negative precision: {result.precision:.3f}")
        self.stdout.write(f"negative recall: {result.recall:.3f}")
        self.stdout.write(f"negative F1: {result.f1:.3f}")

    def do_score(self, **_):
        lines = [line.rstrip("\n") for line in sys.stdin if line.strip()]
        backend = self._backend()
        for text, p in zip(lines, backend.p_negative(lines), strict=True):
            label = "negative" if p >= sentiment.threshold() else "positive"
            self.stdout.write(f"{label}\t{p:.3f}\t{text}")

    def do_rescore(self, *, batch_size=64, stale=False, **_):
        from reviews.models import Review
        from reviews.services import rescore_reviews

        backend = self._backend()
        flagged_before = set(Review.objects.filter(flagged_negative=True).values_list("pk", flat=True))
        total = rescore_reviews(batch_size=batch_size, progress=self._progress, stale_only=stale)
        flagged_after = set(Review.objects.filter(flagged_negative=True).values_list("pk", flat=True))
        everyone = Review.objects.count()
        changed = len(flagged_after ^ flagged_before)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(
            f"rescored {total} reviews with {sentiment.model_version(backend)}; "
            f"{changed} of {everyone} changed state ({100 * changed / max(everyone, 1):.1f}%): "
            f"{len(flagged_after - flagged_before)} newly flagged"))

    def do_retrain(self, *, force=False, **_):
        from reviews.services.retraining import (
            RetrainingUnavailable,
            min_new_feedback,
            new_feedback_count,
            retrain,
        )

        self._backend()
        pending = new_feedback_count()
        try:
            model = retrain(force=force)
        except RetrainingUnavailable as exc:
            raise CommandError(str(exc)) from exc
        if model is None:
            self.stdout.write(f"{pending} new feedback rows, fewer than {min_new_feedback()}: "
                              "nothing trained (--force trains anyway)")
            return
        self.stdout.write(f"{model.version}: {model.get_decision_display()}. {model.reason}")

    def _progress(self, done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        self.stdout.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending="")
        self.stdout.flush()

    def _backend(self):
        try:
            return sentiment.get_backend()
        except sentiment.SentimentUnavailable as exc:
            raise CommandError(f"the sentiment model cannot load: {exc}") from exc
