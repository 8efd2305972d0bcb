"""Run one function in several threads at the same moment, for the concurrency tests (each
thread has its own database connection, closed when it ends)."""

import threading

from django.db import connection


def run_at_once(fn, n: int) -> list:
    """Call ``fn(i)`` for i in 0..n-1, each in its own thread, all released together by a
    barrier. Returns each call's outcome: what it returned, or the exception it raised."""
    barrier = threading.Barrier(n)
    outcomes = [None] * n

    def run(i):
        try:
            barrier.wait()
            outcomes[i] = fn(i)
        except Exception as exc:  # noqa: BLE001 - returned for the test to judge
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def errors_of(outcomes: list) -> list[Exception]:
    return [outcome for outcome in outcomes if isinstance(outcome, Exception)]
