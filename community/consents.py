"""Whether a member has agreed to marketing email, for community's email path (which may not
import the privacy app that records consents).

The privacy app registers its answer here from its ``AppConfig.ready()``; nobody keeps a copy.
Without a registered source nobody has consented, so marketing email is never sent: the gate
fails closed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class ConsentSource:
    # fn(user_id) -> bool: the member's current marketing consent is a grant.
    has_marketing_consent: Callable[[int], bool]
    # fn(user_ids) -> set of the ids among them whose current marketing consent is a grant.
    marketing_consented: Callable[[Iterable[int]], set[int]]


_source: ConsentSource | None = None


def register(source: ConsentSource | None) -> None:
    global _source
    _source = source


def has_marketing_consent(user_id: int) -> bool:
    return _source is not None and _source.has_marketing_consent(user_id)


def marketing_consented(user_ids: Iterable[int]) -> set[int]:
    ids = set(user_ids)
    if _source is None or not ids:
        return set()
    return _source.marketing_consented(ids)
