"""A per-process pause after a data store failed to answer, so a Redis that hangs costs one
timeout rather than one per call.

A Redis that is down refuses connections at once; a Redis that hangs (paused, swapped out,
behind a dead network path) accepts them and never answers, so every call waits for its
socket timeout. Each Redis client that fails soft (the cache, live updates) trips its breaker
on the first timeout: for ``pause`` seconds calls are skipped as if Redis were down, then the
next call tries again, so service comes back without a restart.
"""

import threading
import time


class Breaker:
    def __init__(self, pause: float):
        self.pause = pause
        self._open_until = 0.0
        self._lock = threading.Lock()

    def is_open(self) -> bool:
        """Whether calls should be skipped right now."""
        return time.monotonic() < self._open_until

    def trip(self) -> None:
        with self._lock:
            self._open_until = time.monotonic() + self.pause

    def reset(self) -> None:
        with self._lock:
            self._open_until = 0.0
