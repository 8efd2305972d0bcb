"""Searches that found nothing, kept (without the searcher) for the community health
dashboard: what members look for and do not find."""

from __future__ import annotations

from community.models import SearchWithoutResults


def record_search_without_results(*, query: str, where: str) -> None:
    """Record that ``query`` (whitespace folded, at most 200 characters) found nothing in
    ``where`` (a ``SearchWithoutResults.Where``). Blank queries are not recorded. No user is
    stored, so the row is nobody's personal data."""
    query = " ".join(query.split())[:200]
    if query:
        SearchWithoutResults.objects.create(query=query, where=where)
