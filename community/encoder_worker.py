"""The sentence encoder for web requests, kept off the request path.

Loading the encoder takes seconds (torch, transformers, the model files) and one embedding
~10 ms of CPU; a web process that did either inline could be held up by anyone typing in a
form. So each web process runs the encoder on one background thread of its own, with a
single slot: a request hands its texts over and waits at most a short budget. When the
encoder is not loaded yet (the call starts loading it in the background), already busy with
another request's work, or slower than the budget, ``EncoderBusy`` is raised at once and the
caller answers without it (similar-idea suggestions fall back to a text search).

Celery tasks (embeddings of published ideas, review sentiment) use ``community.encoder``
directly: a worker process is where waiting on the model is fine.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

import numpy as np

from community import encoder

logger = logging.getLogger(__name__)

_slot = threading.Semaphore(1)  # one load or one embedding at a time, none queued
_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()
_load_failed = threading.Event()


class EncoderBusy(Exception):
    """The encoder cannot answer within the budget now (loading, busy or too slow)."""


def _pool() -> ThreadPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hearth-encoder")
        return _executor


def _submit_if_free(fn, *args) -> Future | None:
    """Run ``fn`` on the encoder thread if nothing else is running there; None when busy."""
    if not _slot.acquire(blocking=False):
        return None
    try:
        future = _pool().submit(fn, *args)
    except BaseException:
        _slot.release()
        raise
    future.add_done_callback(lambda _done: _slot.release())
    return future


def _load() -> None:
    try:
        encoder.get_encoder()
        # Inference for a few words needs no parallelism; the process's other core(s) keep
        # serving pages.
        encoder.get_encoder().torch.set_num_threads(1)
    except encoder.EncoderUnavailable:
        _load_failed.set()
        logger.warning("the sentence encoder could not be loaded; suggestions use text search",
                       exc_info=True)


def warm_up() -> None:
    """Start loading the encoder in the background, unless it is loaded, loading or broken."""
    if not encoder.loaded() and not _load_failed.is_set():
        _submit_if_free(_load)


def embed_within_budget(texts: list[str], *, seconds: float) -> np.ndarray:
    """Embeddings of ``texts`` computed on the encoder thread, or EncoderBusy within
    ``seconds``. Never loads the model on the caller's thread."""
    if not encoder.loaded():
        warm_up()
        raise EncoderBusy("the encoder is not loaded yet")
    future = _submit_if_free(encoder.embed, texts)
    if future is None:
        raise EncoderBusy("the encoder is busy")
    try:
        return future.result(timeout=seconds)
    except FutureTimeout:
        raise EncoderBusy(f"the encoder took longer than {seconds:.2f} s") from None
    except Exception as exc:  # a broken model must cost a suggestion, never the page
        logger.warning("the sentence encoder failed; suggestions use text search", exc_info=True)
        raise EncoderBusy("the encoder failed") from exc


def reset_for_tests() -> None:
    """Forget a failed load, so a test can start from a fresh process's state."""
    _load_failed.clear()
