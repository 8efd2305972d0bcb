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

from collections.abc import Callable
from dataclasses import dataclass, field

from community.cache_versions import ObjectRef


@dataclass(frozen=True)
class HomeItem:
    title: str
    url: str
    detail: str = ""
    why: str = ""


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


@dataclass(frozen=True)
class _Registered:
    order: int
    provider: SectionProvider
    members_only: bool
    depends_on: tuple[ObjectRef, ...]


_SECTIONS: dict[str, _Registered] = {}


def register_section(key: str, provider: SectionProvider, *, order: int,
                     members_only: bool = False,
                     depends_on: tuple[ObjectRef, ...] = ()) -> None:
    """Add a section; ``order`` places it (lower first); ``members_only`` sections are not
    asked for visitors; a section for visitors names the lists it shows in ``depends_on``."""
    if not members_only and not depends_on:
        raise ValueError(f"The home section {key!r} is shown to visitors: name what it shows "
                         "(depends_on) so the cached home page goes stale with it.")
    _SECTIONS[key] = _Registered(order=order, provider=provider, members_only=members_only,
                                 depends_on=tuple(depends_on))


def visitor_dependencies() -> list[ObjectRef]:
    """What the visitors' home page shows, to declare before its queries."""
    return [ref for entry in _SECTIONS.values() if not entry.members_only
            for ref in entry.depends_on]


def sections_for(reader) -> list[HomeSection]:
    """The sections to show ``reader`` (a member, or None for a visitor), in order, empty
    ones left out."""
    member = reader if reader is not None and reader.is_authenticated else None
    shown = []
    for registered in sorted(_SECTIONS.values(), key=lambda entry: entry.order):
        if registered.members_only and member is None:
            continue
        section = registered.provider(member=member)
        if section is not None and (section.items or section.summary):
            shown.append(section)
    return shown
