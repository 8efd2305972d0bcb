"""The ideas' section of the home page (``community.home``)."""

from __future__ import annotations

import datetime
from dataclasses import replace

from django.urls import reverse
from django.utils.formats import date_format

from community.home import HomeItem, HomeSection, register_section
from community.roles import is_community_manager
from ideas import clock
from ideas.selectors import idea_list, supported_among, supported_ideas_that_moved

TRENDING_SHOWN = 4


def _supporters(count: int) -> str:
    return f"{count} supporter{'' if count == 1 else 's'}"


def trending_audience(*, member):
    """Every member sees the public trending list, except community managers (who see hidden
    ideas marked in lists)."""
    return None if is_community_manager(member) else "public"


def trending_ideas(*, member) -> HomeSection:
    reader = member if is_community_manager(member) else None
    ideas = idea_list(user=reader, sort="trending")[:TRENDING_SHOWN]
    items = [HomeItem(title=idea.title, url=idea.get_absolute_url(),
                      detail=f"{_supporters(idea.support_count)} · {idea.effective_status_label}",
                      object_id=idea.pk)
             for idea in ideas]
    section = HomeSection(key="ideas.trending", title="Trending ideas",
                          why="The ideas gaining the most support lately.", items=items,
                          more_url=reverse("ideas:index"), more_label="All ideas")
    return mark_supported(section, member=member) if reader is not None else section


def mark_supported(section: HomeSection, *, member) -> HomeSection:
    """Say which of the listed ideas the member supports (one query)."""
    supported = supported_among(member=member, idea_ids=[item.object_id for item in section.items])
    if not supported:
        return section
    return replace(section, items=[replace(item, why="You support it.") if item.object_id in supported
                                   else item for item in section.items])


MOVED_WITHIN = datetime.timedelta(days=14)
MOVED_SHOWN = 4


def supported_ideas_moved(*, member) -> HomeSection:
    """Ideas the member supports that changed status or reached a milestone lately."""
    moved = supported_ideas_that_moved(member=member, since=clock.now() - MOVED_WITHIN,
                                       limit=MOVED_SHOWN)
    items = []
    for idea in moved:
        if idea.moved_by == "milestone":
            detail = f"Reached {idea.moved_supporters:,} supporters"
        else:
            detail = f"Now {idea.effective_status_label}"
        items.append(HomeItem(
            title=idea.title, url=idea.get_absolute_url(), object_id=idea.pk,
            detail=f"{detail} on {date_format(idea.moved_at, 'j F')}",
            why="You support this idea."))
    return HomeSection(key="ideas.supported_moved", title="Ideas you support are moving",
                       why="Ideas you support that changed status or reached a milestone in "
                           "the last two weeks.", items=items)


def register() -> None:
    register_section("ideas.trending", trending_ideas, order=50, depends_on=(("ideas", 0),),
                     audience=trending_audience, personalise=mark_supported)
    register_section("ideas.supported_moved", supported_ideas_moved, order=25,
                     members_only=True)
