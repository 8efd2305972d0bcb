"""Answer a filter for one object already in memory, so that an app states a rule once, as
the ``Q`` its querysets use, and its per-object checks ("may this reader see this post?")
follow from the very same rule, without a query.

Only what such rules need is understood: ``exact`` and ``isnull`` lookups, forward relations
(``topic__is_hidden``) and nested ``Q`` objects joined with ``&``, ``|`` and ``~``. Anything
else raises ``ValueError`` rather than guess.
"""

from __future__ import annotations

from django.db.models import Q

SUPPORTED_LOOKUPS = {"exact", "isnull"}
REFUSED_LOOKUPS = {"iexact", "contains", "icontains", "in", "gt", "gte", "lt", "lte", "startswith",
                   "istartswith", "endswith", "iendswith", "range", "regex", "iregex"}


def matches(obj, rule: Q) -> bool:
    """Whether ``obj`` is one of the rows ``Model.objects.filter(rule)`` would return."""
    results = (_matches_child(obj, child) for child in rule.children)
    found = all(results) if rule.connector == Q.AND else any(results)
    return not found if rule.negated else found


def _matches_child(obj, child) -> bool:
    if isinstance(child, Q):
        return matches(obj, child)
    lookup, expected = child
    *path, last = lookup.split("__")
    if last in REFUSED_LOOKUPS:
        raise ValueError(f"matches() does not evaluate the {last!r} lookup ({lookup})")
    if last not in SUPPORTED_LOOKUPS:
        path, last = [*path, last], "exact"
    value = obj
    for name in path:
        value = getattr(value, name)
        if value is None:
            break
    if last == "isnull":
        return (value is None) == bool(expected)
    return value == expected
