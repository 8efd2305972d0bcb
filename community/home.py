"""The home page's sections. Each app registers what it can show (``register_section`` in
``AppConfig.ready``): the community shell imports no feature app, so the home page knows the
sections only through this registry.

A section provider is called with the reader (``None`` for a visitor) and returns a
``HomeSection`` or ``None`` (nothing to show). Every section and every item in it says why it
is shown, so a personalised suggestion is never a mystery. A provider makes at most a couple
of queries (the home page's query count is pinned). A section visitors see names the lists it
draws from when it registers (``depends_on``: ``community.cache_versions`` references), so the
visitors' page cache stores the home page only as long as those lists are current."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils.translation import get_language

from community.cache_versions import ObjectRef, versions_of

# Shared sections are rebuilt at least this often even when nothing they list changed, as
# trending and "latest" orders move with the clock.
SHARED_TIMEOUT = 60


@dataclass(frozen=True)
class HomeItem:
    title: str
    url: str
    detail: str = ""
    why: str = ""
    object_id: int | None = None  # what a section's ``personalise`` looks the item up by


@dataclass(frozen=True)
class HomeSection:
    key: str
    title: str
    why: str
    items: list[HomeItem] = field(default_factory=list)
    more_url: str = ""
    more_label: str = ""
    summary: str = ""  # a sentence shown instead of, or above, the items


SectionProvider = Callable[..., HomeSection | None]
Audience = Callable[..., Hashable | None]
Personalise = Callable[..., HomeSection]


@dataclass(frozen=True)
class _Registered:
    order: int
    provider: SectionProvider
    members_only: bool
    depends_on: tuple[ObjectRef, ...]
    audience: Audience | None
    personalise: Personalise | None


_SECTIONS: dict[str, _Registered] = {}


def register_section(key: str, provider: SectionProvider, *, order: int,
                     members_only: bool = False,
                     depends_on: tuple[ObjectRef, ...] = (),
                     audience: Audience | None = None,
                     personalise: Personalise | None = None) -> None:
    """Add a section; ``order`` places it (lower first); ``members_only`` sections are not
    asked for visitors; a section for visitors names the lists it shows in ``depends_on``.

    ``audience(member=...)`` makes the section shared: members with the same answer get the
    same copy, cached under the versions of ``depends_on`` (the provider must then build
    from what the answer captures, not from the member); ``None`` builds it for the member
    alone. ``personalise(section, member=...)`` adds the member's own part to a shared copy."""
    if not members_only and not depends_on:
        raise ValueError(f"The home section {key!r} is shown to visitors: name what it shows "
                         "(depends_on) so the cached home page goes stale with it.")
    if audience is not None and not depends_on:
        raise ValueError(f"The shared home section {key!r} must name what it shows "
                         "(depends_on): its cached copy is kept under their versions.")
    _SECTIONS[key] = _Registered(order=order, provider=provider, members_only=members_only,
                                 depends_on=tuple(depends_on), audience=audience,
                                 personalise=personalise)


def visitor_dependencies() -> list[ObjectRef]:
    """What the visitors' home page shows, to declare before its queries."""
    return [ref for entry in _SECTIONS.values() if not entry.members_only
            for ref in entry.depends_on]


def sections_for(reader) -> list[HomeSection]:
    """The sections to show ``reader`` (a member, or None for a visitor), in order, empty
    ones left out."""
    member = reader if reader is not None and reader.is_authenticated else None
    registered_sections = sorted(_SECTIONS.items(), key=lambda entry: entry[1].order)
    shared = _shared_copies(registered_sections, member) if member is not None else {}
    shown = []
    for key, registered in registered_sections:
        if registered.members_only and member is None:
            continue
        if key in shared:
            section = shared[key]
            if section is not None and registered.personalise is not None:
                section = registered.personalise(section, member=member)
        else:
            section = registered.provider(member=member)
        if section is not None and (section.items or section.summary):
            shown.append(section)
    return shown


def _copy_key(key: str, audience: Hashable, versions: tuple) -> str:
    raw = repr((get_language(), audience, versions)).encode()
    return f"home:{key}:{hashlib.blake2b(raw, digest_size=16).hexdigest()}"


def _shared_copies(registered_sections, member) -> dict[str, HomeSection | None]:
    """The shared sections ``member`` sees, from the cache where a copy at the current
    versions exists, built (and stored) where not. One cache round trip for the versions and
    one for the copies; a section whose versions are unknown (the cache unreachable) is
    built and not stored."""
    audiences = {key: registered.audience(member=member)
                 for key, registered in registered_sections if registered.audience is not None}
    audiences = {key: audience for key, audience in audiences.items() if audience is not None}
    if not audiences:
        return {}
    versions = versions_of({ref for key in audiences for ref in _SECTIONS[key].depends_on})
    keys = {}
    for key, audience in audiences.items():
        current = tuple(versions.get(ref) for ref in _SECTIONS[key].depends_on)
        if None not in current:
            keys[key] = _copy_key(key, audience, current)
    found = cache.get_many(list(keys.values())) if keys else {}
    copies, to_store = {}, {}
    for key in audiences:
        cache_key = keys.get(key)
        if cache_key is not None and cache_key in found:
            copies[key] = found[cache_key]
            continue
        copies[key] = _SECTIONS[key].provider(member=member)
        if cache_key is not None:
            to_store[cache_key] = copies[key]
    if to_store:
        cache.set_many(to_store, SHARED_TIMEOUT)
    return copies
