"""Benchmark of the review sentiment scorer: ``python -m bench.sentiment``.

In one process it measures: cold load (encoder + head), single-review latency, batched
scoring throughput of ``p_negative`` over the shared test sentences, and the raw encoder
forward pass over the very same length-sorted batches (pre-tokenised, nothing else). The
ratio says how much the scoring pipeline (tokenising, pooling, clause spans, head) costs on
top of the model itself. Writes a table to stdout and JSON to bench/results/.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from reviews import sentiment  # noqa: E402
from reviews.sentiment import training  # noqa: E402

BATCH_SIZE = 32
ROUNDS = 3


def main() -> dict:
    started = time.perf_counter()
    backend = sentiment.get_backend()
    cold_load = time.perf_counter() - started

    texts = [e.text for e in training.read_tsv(
        Path(settings.BASE_DIR).parent / "shared" / "data" / "sentiment" / "test.tsv")]
    backend.p_negative(texts[:BATCH_SIZE])  # warm-up: first-call allocations

    single = []
    for text in texts[:30]:
        t = time.perf_counter()
        backend.p_negative([text])
        single.append(time.perf_counter() - t)

    encoder = backend.encoder
    batches = [encoder.tokenize([texts[i] for i in positions], offsets=True)
               for positions in encoder.length_sorted_batches(texts, batch_size=BATCH_SIZE)]
    raw_times, scoring_times, explaining_times = [], [], []
    for _ in range(ROUNDS):  # interleaved, so machine load hits both alike
        t = time.perf_counter()
        for batch in batches:
            encoder.forward(batch)
        raw_times.append(time.perf_counter() - t)
        t = time.perf_counter()
        backend.p_negative(texts)
        scoring_times.append(time.perf_counter() - t)
        # What reviews get: the score and, for texts that read negative, each clause read alone.
        t = time.perf_counter()
        backend.explain(texts)
        explaining_times.append(time.perf_counter() - t)
    raw = len(texts) / min(raw_times)
    scoring = len(texts) / min(scoring_times)
    result = {
        "backend": backend.name,
        "texts": len(texts),
        "batch_size": BATCH_SIZE,
        "cold_load_s": round(cold_load, 2),
        "single_review_ms_median": round(statistics.median(single) * 1000, 1),
        "raw_forward_texts_per_s": round(raw, 1),
        "scoring_texts_per_s": round(scoring, 1),
        "ratio_scoring_to_raw": round(scoring / raw, 3),
        "explaining_texts_per_s": round(len(texts) / min(explaining_times), 1),
        "ratio_explaining_to_raw": round(len(texts) / min(explaining_times) / raw, 3),
        "machine": f"{platform.machine()} {os.cpu_count()} cpus",
    }
    width = max(len(k) for k in result)
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")
    out = Path(__file__).resolve().parent / "results"
    out.mkdir(exist_ok=True)
    (out / "sentiment.json").write_text(json.dumps(result, indent=2) + "\n")
    return result


if __name__ == "__main__":
    main()
