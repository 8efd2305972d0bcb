"""Backend for a larger review model: a ``transformers`` text-classification model in a local
folder (e.g. a 1-5 star review classifier). ``label_map`` says how negative each label is
(``{"1 star": 1.0, "2 stars": 1.0, "3 stars": 0.5}``; labels left out count as 0); P(negative)
is the probability-weighted sum. Loaded offline, never from the hub.
"""

from __future__ import annotations

import os

from .base import SentimentUnavailable


class LocalTransformersBackend:
    name = "transformers"

    def __init__(self, *, model_dir: str, label_map: dict[str, float], batch_size: int = 16):
        if not model_dir or not os.path.isdir(model_dir):
            raise SentimentUnavailable(f"no text-classification model folder at {model_dir!r}")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        try:
            from transformers import pipeline

            self.pipe = pipeline("text-classification", model=model_dir, tokenizer=model_dir,
                                 top_k=None, truncation=True, device=-1)
        except Exception as exc:
            raise SentimentUnavailable(f"cannot load {model_dir}: {exc}") from exc
        self.label_map = {label.lower(): float(weight) for label, weight in label_map.items()}
        self.batch_size = batch_size

    def p_negative(self, texts: list[str]) -> list[float]:
        if not texts:
            return []
        results = self.pipe(list(texts), batch_size=self.batch_size)
        return [
            min(1.0, sum(item["score"] * self.label_map.get(item["label"].lower(), 0.0)
                         for item in per_text))
            for per_text in results
        ]
