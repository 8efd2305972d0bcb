"""Default backend: the MiniLM sentence encoder plus a logistic head (head.npz).

The committed model is fine-tuned (``finetune``, ``manage.py sentiment train``): the file
holds the head (385 numbers) and low-rank changes to the encoder's weights, added to a
private copy of the encoder when it loads; the shared encoder other apps use is untouched.
A head without changes (``sentiment train --head-only``) runs on the shared encoder. Clause
embeddings come from the same forward pass as the text's own (``embed_spans``), so
clause-level scoring adds no encoder work.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import numpy as np

from community import encoder as shared_encoder

from .base import ClauseScore, SentimentUnavailable, clause_scores, clause_spans, combine, counted_clauses


class Head:
    """The logistic head, and, for a fine-tuned model, the low-rank changes to the encoder's
    weights it was trained with (``finetune``): ``adapter`` maps an encoder parameter's name
    to its pair (A, B); the parameter becomes W + scale * B @ A."""

    def __init__(self, weights: np.ndarray, bias: float, *,
                 adapter: dict[str, tuple[np.ndarray, np.ndarray]] | None = None,
                 adapter_scale: float = 1.0, clause_gate: float | None = None,
                 bias_shift: float = 0.0):
        self.weights = weights.astype(np.float32)
        self.bias = float(bias)
        # How much of ``bias`` is the threshold cross-validation chose (already added in): a
        # record, so a retrained candidate is given the same threshold (reviews.services.
        # retraining); the version does not depend on it, the bias does.
        self.bias_shift = float(bias_shift)
        # The clause gate the model was validated with (base.combine); None: the setting's.
        self.clause_gate = None if clause_gate is None else float(clause_gate)
        self.adapter = {name: (a.astype(np.float32), b.astype(np.float32))
                        for name, (a, b) in (adapter or {}).items()}
        self.adapter_scale = float(adapter_scale)

    @classmethod
    def load(cls, path: Path | str) -> Head:
        try:
            with open(path, "rb") as handle:
                return cls.from_bytes(handle.read())
        except (OSError, KeyError, ValueError) as exc:
            raise SentimentUnavailable(f"cannot read the sentiment head {path}: {exc}") from exc

    def save(self, path: Path | str) -> None:
        Path(path).write_bytes(self.to_bytes())

    @classmethod
    def from_bytes(cls, data: bytes) -> Head:
        with np.load(io.BytesIO(data)) as arrays:
            adapter = {name.removeprefix(_A): (arrays[name], arrays[_B + name.removeprefix(_A)])
                       for name in arrays.files if name.startswith(_A)}
            scale = float(arrays["adapter_scale"]) if "adapter_scale" in arrays.files else 1.0
            gate = float(arrays["clause_gate"]) if "clause_gate" in arrays.files else None
            shift = float(arrays["bias_shift"]) if "bias_shift" in arrays.files else 0.0
            return cls(arrays["weights"], float(arrays["bias"]), adapter=adapter, adapter_scale=scale,
                       clause_gate=gate, bias_shift=shift)

    def to_bytes(self) -> bytes:
        arrays = {"weights": self.weights, "bias": np.float32(self.bias)}
        if self.clause_gate is not None:
            arrays["clause_gate"] = np.float32(self.clause_gate)
        if self.bias_shift:
            arrays["bias_shift"] = np.float32(self.bias_shift)
        if self.adapter:
            arrays["adapter_scale"] = np.float32(self.adapter_scale)
            for name, (a, b) in sorted(self.adapter.items()):
                arrays[_A + name], arrays[_B + name] = a, b
        buffer = io.BytesIO()
        np.savez(buffer, **arrays)
        return buffer.getvalue()

    @property
    def version(self) -> str:
        """Names the model by what it computes: the same weights, the same version, wherever
        they were trained or stored."""
        digest = hashlib.sha256(self.weights.tobytes() + np.float32(self.bias).tobytes())
        if self.clause_gate is not None:
            digest.update(b"gate" + np.float32(self.clause_gate).tobytes())
        if not self.adapter:
            return f"minilm-head-{digest.hexdigest()[:12]}"
        digest.update(np.float32(self.adapter_scale).tobytes())
        for name, (a, b) in sorted(self.adapter.items()):
            digest.update(name.encode() + a.tobytes() + b.tobytes())
        return f"minilm-tuned-{digest.hexdigest()[:12]}"

    def weight_deltas(self) -> dict[str, np.ndarray]:
        """What the fine-tuning adds to each encoder parameter."""
        return {name: self.adapter_scale * (b @ a) for name, (a, b) in self.adapter.items()}

    def p_negative(self, embeddings: np.ndarray) -> np.ndarray:
        logits = embeddings @ self.weights + self.bias
        return 1.0 / (1.0 + np.exp(-logits))


# From this P(negative) a text's clauses are also scored on their own, for staff to see
# (MiniLMHeadBackend.explain): the lowest line a review can be flagged from.
EXPLAIN_FROM = 0.5

# Array names of an adapter's matrices in the saved file.
_A, _B = "adapter_a/", "adapter_b/"


def encoder_for(head: Head):
    """The encoder a head was trained on: the shared one, or its fine-tuned copy."""
    try:
        if not head.adapter:
            return shared_encoder.get_encoder()
        return shared_encoder.get_adapted_encoder(head.version, head.weight_deltas)
    except shared_encoder.EncoderUnavailable as exc:
        raise SentimentUnavailable(str(exc)) from exc


class MiniLMHeadBackend:
    name = "minilm"

    def __init__(self, *, head_path: Path | str, clause_gate: float, batch_size: int = 32,
                 head: Head | None = None):
        self.head = head or Head.load(head_path)
        self.encoder = encoder_for(self.head)
        self.clause_gate = clause_gate
        self.batch_size = batch_size

    @property
    def version(self) -> str:
        return self.head.version

    @property
    def gate(self) -> float:
        """The clause gate the model was validated with, else the configured one."""
        return self.head.clause_gate if self.head.clause_gate is not None else self.clause_gate

    def use(self, head: Head) -> None:
        """Score with another head (a promotion) from now on, with its encoder."""
        self.encoder, self.head = encoder_for(head), head

    def p_negative(self, texts: list[str]) -> list[float]:
        return [score for score, _spans, _p_clauses in self._scored(texts)]

    def explain(self, texts: list[str]) -> list[tuple[float, list[ClauseScore]]]:
        """P(negative) of each text with the scores of its clauses. The score comes from one
        forward pass (clause states pooled from the text's own, as validated in training).
        Inside a fine-tuned encoder every token's state leans the way the whole text does, so
        for the texts that read negative (>= EXPLAIN_FROM), the ones staff will be shown,
        each clause is also read on its own (one more batched pass over those clauses): what
        is highlighted is what is negative by itself, not praise next to a complaint."""
        scored = self._scored(texts)
        alone = [(i, text[a:b])
                 for i, (text, (score, spans, _p)) in enumerate(zip(texts, scored, strict=True))
                 if score >= EXPLAIN_FROM and len(spans) > 1 for a, b in spans]
        clauses = [clause for _i, clause in alone]
        p_alone = iter(self.head.p_negative(self.encoder.embed(clauses, batch_size=self.batch_size))
                       .tolist() if clauses else [])
        rescored = {i for i, _clause in alone}
        explained = []
        for i, (text, (score, spans, p_clauses)) in enumerate(zip(texts, scored, strict=True)):
            if i in rescored:
                p_clauses = [next(p_alone) for _span in spans]
            explained.append((score, clause_scores(text, spans, p_clauses, score)))
        return explained

    def _scored(self, texts: list[str]) -> list[tuple[float, list[tuple[int, int]], list[float]]]:
        """Each text's P(negative), its clause spans and their in-context scores."""
        if not texts:
            return []
        spans = [clause_spans(text) for text in texts]
        full, parts = self.encoder.embed_spans(texts, spans, batch_size=self.batch_size)
        p_text = self.head.p_negative(full)
        scored = []
        for i, text in enumerate(texts):
            p_clauses = self.head.p_negative(parts[i]).tolist() if len(spans[i]) > 1 else []
            score = combine(float(p_text[i]), p_clauses, counted_clauses(text, spans[i]),
                            gate=self.gate)
            scored.append((score, spans[i], p_clauses))
        return scored
