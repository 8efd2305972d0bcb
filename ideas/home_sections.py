"""The ideas' section of the home page (``community.home``)."""

from __future__ import annotations

from django.urls import reverse

from community.home import HomeItem, HomeSection, register_section
from ideas.selectors import idea_list

TRENDING_SHOWN = 4


def _supporters(count: int) -> str:
    return f"{count} supporter{'' if count == 1 else 's'}"


def trending_ideas(*, member) -> HomeSection:
    ideas = idea_list(user=member, sort="trending")[:TRENDING_SHOWN]
    items = [HomeItem(title=idea.title, url=idea.get_absolute_url(),
                      detail=f"{_supporters(idea.support_count)} · {idea.effective_status_label}",
                      why="You support it." if getattr(idea, "supported", False) else "")
             for idea in ideas]
    return HomeSection(key="ideas.trending", title="Trending ideas",
                       why="The ideas gaining the most support lately.", items=items,
                       more_url=reverse("ideas:index"), more_label="All ideas")


def register() -> None:
    register_section("ideas.trending", trending_ideas, order=50, depends_on=(("ideas", 0),))
