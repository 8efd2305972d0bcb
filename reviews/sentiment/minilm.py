"""Default backend: the shared MiniLM sentence encoder plus a logistic head (head.npz).

The head is 385 numbers (weights and bias) trained by ``manage.py sentiment train``; here it
is applied with numpy. Clause embeddings come from the same forward pass as the text's own
(community.encoder.embed_spans), so clause-level scoring adds no encoder work.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import numpy as np

from community import encoder as shared_encoder

from .base import ClauseScore, SentimentUnavailable, clause_scores, clause_spans, combine, counted_clauses


class Head:
    def __init__(self, weights: np.ndarray, bias: float):
        self.weights = weights.astype(np.float32)
        self.bias = float(bias)

    @classmethod
    def load(cls, path: Path | str) -> Head:
        try:
            with np.load(path) as data:
                return cls(data["weights"], float(data["bias"]))
        except (OSError, KeyError, ValueError) as exc:
            raise SentimentUnavailable(f"cannot read the sentiment head {path}: {exc}") from exc

    def save(self, path: Path | str, **metadata) -> None:
        np.savez(path, weights=self.weights, bias=np.float32(self.bias),
                 **{k: np.asarray(v) for k, v in metadata.items()})

    @classmethod
    def from_bytes(cls, data: bytes) -> Head:
        with np.load(io.BytesIO(data)) as arrays:
            return cls(arrays["weights"], float(arrays["bias"]))

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        np.savez(buffer, weights=self.weights, bias=np.float32(self.bias))
        return buffer.getvalue()

    @property
    def version(self) -> str:
        """Names the head by what it computes: the same weights, the same version, wherever
        they were trained or stored."""
        digest = hashlib.sha256(self.weights.tobytes() + np.float32(self.bias).tobytes())
        return f"minilm-head-{digest.hexdigest()[:12]}"

    def p_negative(self, embeddings: np.ndarray) -> np.ndarray:
        logits = embeddings @ self.weights + self.bias
        return 1.0 / (1.0 + np.exp(-logits))


class MiniLMHeadBackend:
    name = "minilm"

    def __init__(self, *, head_path: Path | str, clause_gate: float, batch_size: int = 32,
                 head: Head | None = None):
        self.head = head or Head.load(head_path)
        try:
            self.encoder = shared_encoder.get_encoder()
        except shared_encoder.EncoderUnavailable as exc:
            raise SentimentUnavailable(str(exc)) from exc
        self.clause_gate = clause_gate
        self.batch_size = batch_size

    @property
    def version(self) -> str:
        return self.head.version

    def p_negative(self, texts: list[str]) -> list[float]:
        return [score for score, _clauses in self.explain(texts)]

    def explain(self, texts: list[str]) -> list[tuple[float, list[ClauseScore]]]:
        """P(negative) of each text with the scores of its clauses (one forward pass)."""
        if not texts:
            return []
        spans = [clause_spans(text) for text in texts]
        full, parts = self.encoder.embed_spans(texts, spans, batch_size=self.batch_size)
        p_text = self.head.p_negative(full)
        explained = []
        for i, text in enumerate(texts):
            p_clauses = self.head.p_negative(parts[i]).tolist() if len(spans[i]) > 1 else []
            score = combine(float(p_text[i]), p_clauses, counted_clauses(text, spans[i]),
                            gate=self.clause_gate)
            explained.append((score, clause_scores(text, spans[i], p_clauses, p_text[i])))
        return explained
