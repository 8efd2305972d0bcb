"""Registry of the functions that rebuild denormalised counters from source rows.

Each returns how many rows had drifted. Apps register theirs in ``AppConfig.ready``; the
``recompute_counts`` command and the nightly repair task run them all.
"""

from collections.abc import Callable

_RECOMPUTERS: dict[str, Callable[[], int]] = {}


def register_recomputer(name: str, recompute: Callable[[], int]) -> None:
    _RECOMPUTERS[name] = recompute


def all_recomputers() -> list[tuple[str, Callable[[], int]]]:
    return sorted(_RECOMPUTERS.items())
