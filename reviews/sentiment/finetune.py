"""Fine-tuning the sentence encoder for review sentiment, on the CPU, in minutes.

The encoder (all-MiniLM-L6-v2) and a logistic head on its mean-pooled, normalised sentence
embedding are trained together on the labelled sentences (``training``: ``train.tsv``, the
hand-written ones, staff feedback) with a binary cross-entropy loss. The encoder's weights
stay frozen; every linear layer of its six transformer blocks learns a low-rank change
(LoRA: W + scale * B @ A, rank ``rank``), so the trained model is a file of about 1.3 MB
beside the installed encoder, not a second 90 MB model, and once the changes are added to
the weights, scoring costs one plain forward pass.

Reproducible: seeds are fixed (initialisation, row order, dropout) and torch runs with a
fixed number of threads, so the same rows on the same machine give the same file.
``cross_validate`` prints held-out figures from k folds of the training rows; ``test.tsv``
is never read here.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .minilm import Head
from .training import Example

# Which linear layers of each transformer block learn a change.
ADAPTED_LAYERS = ("attention.self.query", "attention.self.key", "attention.self.value",
                  "attention.output.dense", "intermediate.dense", "output.dense")
# The head reads the unit-length embedding scaled up, so that its logits can be large
# without huge weights (cosine similarities live in [-1, 1]).
EMBEDDING_SCALE = 20.0
# Clause gates cross-validation chooses among (base.combine): the one the frozen encoder's
# head was validated with first, then stricter ones, then (above 1) the whole text alone.
CLAUSE_GATE_GRID = (0.9, 0.95, 0.99, 2.0)


@dataclass(frozen=True)
class Recipe:
    epochs: int = 3
    learning_rate: float = 1e-3
    head_learning_rate: float = 1e-3
    rank: int = 8
    alpha: float = 16.0
    batch_size: int = 16
    max_length: int = 128
    seed: int = 0
    threads: int = 2


Progress = Callable[[int, int], None]


def fine_tune(examples: list[Example], *, recipe: Recipe = Recipe(),
              progress: Progress | None = None) -> Head:
    """Train the encoder's low-rank changes and the head on ``examples``."""
    torch = _torch(recipe)
    from community.encoder import EncoderUnavailable, SentenceEncoder, model_dir

    from .base import SentimentUnavailable

    try:
        base = SentenceEncoder(model_dir(), max_length=recipe.max_length)
    except EncoderUnavailable as exc:
        raise SentimentUnavailable(str(exc)) from exc
    adapters = _attach_adapters(base.model, recipe, torch)
    head = torch.nn.Linear(base.dim, 1)
    optimiser = torch.optim.AdamW([
        {"params": [p for pair in adapters.values() for p in pair], "lr": recipe.learning_rate},
        {"params": list(head.parameters()), "lr": recipe.head_learning_rate},
    ], weight_decay=0.01)
    batches_per_epoch = -(-len(examples) // recipe.batch_size)
    total = recipe.epochs * batches_per_epoch
    schedule = torch.optim.lr_scheduler.LambdaLR(optimiser, _warm_up_then_decay(total))
    labels = torch.tensor([float(e.negative) for e in examples])
    base.model.train()
    step = 0
    for epoch in range(recipe.epochs):
        order = list(range(len(examples)))
        random.Random(recipe.seed + epoch).shuffle(order)
        for start in range(0, len(order), recipe.batch_size):
            rows = order[start:start + recipe.batch_size]
            logits = head(_pooled(base, [examples[i].text for i in rows], torch) * EMBEDDING_SCALE)
            loss = torch.nn.functional.binary_cross_entropy_with_logits(logits.squeeze(-1), labels[rows])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            step += 1
            if progress:
                progress(step, total)
    return _as_head(head, adapters, recipe)


@dataclass(frozen=True)
class FoldFigures:
    folds: int
    clause_gate: float
    bias_shift: float
    accuracy: float
    precision: float
    recall: float
    f1: float


def cross_validate(examples: list[Example], *, folds: int, recipe: Recipe = Recipe(),
                   progress: Progress | None = None) -> FoldFigures:
    """Held-out figures of the recipe, and the clause gate and threshold they validate: each
    fold is scored, through the whole pipeline (clauses included), by a model trained on the
    others; the clause gate (``CLAUSE_GATE_GRID``, above 1: the whole text alone) and the
    shift of the head's bias that make P(negative) >= 0.5 the most accurate on the pooled
    held-out rows are chosen (ties: the earlier gate, the smallest shift), and the figures
    are those of that choice."""
    from sklearn.model_selection import StratifiedKFold

    from .minilm import encoder_for
    from .training import BIAS_SHIFT_GRID, Features, pipeline_scores

    labels = np.array([e.negative for e in examples])
    strata = labels * 2 + np.array([e.hand_written for e in examples])
    held_out = []
    splits = StratifiedKFold(folds, shuffle=True, random_state=recipe.seed).split(labels, strata)
    for fold, (train_rows, test_rows) in enumerate(splits):
        def fold_progress(done, total, fold=fold):
            progress(fold * total + done, folds * total)

        head = fine_tune([examples[i] for i in train_rows], recipe=recipe,
                         progress=fold_progress if progress else None)
        features = Features.compute([examples[i].text for i in test_rows],
                                    embed_spans=encoder_for(head).embed_spans)
        held_out.append((head, features, test_rows))

    def predicted(gate: float, shift: float) -> np.ndarray:
        result = np.zeros(len(examples), dtype=bool)
        for head, features, rows in held_out:
            shifted = Head(head.weights, head.bias + shift)
            result[rows] = pipeline_scores(shifted, features, range(len(rows)), gate=gate) >= 0.5
        return result

    choices = [(gate, shift) for gate in CLAUSE_GATE_GRID for shift in sorted(BIAS_SHIFT_GRID, key=abs)]
    gate, shift = max(choices, key=lambda choice: float((predicted(*choice) == labels).mean()))
    chosen = predicted(gate, shift)
    true_positive = int((chosen & labels).sum())
    precision = true_positive / max(int(chosen.sum()), 1)
    recall = true_positive / max(int(labels.sum()), 1)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return FoldFigures(folds=folds, clause_gate=gate, bias_shift=shift,
                       accuracy=float((chosen == labels).mean()),
                       precision=precision, recall=recall, f1=f1)


def validated(head: Head, *, shift: float, clause_gate: float | None) -> Head:
    """The same model with the threshold and clause gate ``cross_validate`` chose."""
    return Head(head.weights, head.bias + shift, adapter=head.adapter,
                adapter_scale=head.adapter_scale, clause_gate=clause_gate,
                bias_shift=head.bias_shift + shift)


def _torch(recipe: Recipe):
    import torch

    random.seed(recipe.seed)
    np.random.seed(recipe.seed)
    torch.manual_seed(recipe.seed)
    torch.set_num_threads(recipe.threads)
    return torch


def _attach_adapters(model, recipe: Recipe, torch) -> dict[str, tuple]:
    """Freeze the encoder and wrap each adapted linear layer so that it adds its low-rank
    change; returns parameter name -> (A, B). B starts at zero: training starts from the
    encoder as shipped."""
    for parameter in model.parameters():
        parameter.requires_grad = False
    scale = recipe.alpha / recipe.rank
    adapters = {}
    for index, block in enumerate(model.encoder.layer):
        for path in ADAPTED_LAYERS:
            owner_path, _, attribute = path.rpartition(".")
            owner = block.get_submodule(owner_path)
            linear = getattr(owner, attribute)
            a = torch.nn.Parameter(torch.randn(recipe.rank, linear.in_features) * 0.01)
            b = torch.nn.Parameter(torch.zeros(linear.out_features, recipe.rank))
            setattr(owner, attribute, _LowRankLinear(linear, a, b, scale, torch))
            adapters[f"encoder.layer.{index}.{path}.weight"] = (a, b)
    return adapters


def _LowRankLinear(linear, a, b, scale: float, torch):  # noqa: N802 (a module factory)
    class LowRankLinear(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.linear, self.a, self.b = linear, a, b

        def forward(self, x):
            return self.linear(x) + (x @ self.a.T @ self.b.T) * scale

    return LowRankLinear()


def _pooled(encoder, texts: list[str], torch):
    batch = encoder.tokenize(texts)
    hidden = encoder.model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                           token_type_ids=batch.get("token_type_ids")).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
    pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
    return torch.nn.functional.normalize(pooled, p=2, dim=1)


def _warm_up_then_decay(total_steps: int):
    """Linear warm-up over the first tenth of the steps, then linear decay to zero."""
    warm_up = max(1, total_steps // 10)
    return lambda step: min(1.0, (step + 1) / warm_up) * max(0.0, 1.0 - step / max(total_steps, 1))


def _as_head(head, adapters: dict, recipe: Recipe) -> Head:
    weights = head.weight.detach().numpy()[0] * EMBEDDING_SCALE
    bias = float(head.bias.detach().numpy()[0])
    return Head(weights, bias, adapter_scale=recipe.alpha / recipe.rank,
                adapter={name: (a.detach().numpy().copy(), b.detach().numpy().copy())
                         for name, (a, b) in adapters.items()})
