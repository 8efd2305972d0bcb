"""The forum's sections of the home page (``community.home``)."""

from __future__ import annotations

from django.db.models import F
from django.db.models.functions import Coalesce
from django.urls import reverse

from community.home import HomeItem, HomeSection, register_section
from community.roles import is_community_manager, is_staff_member, viewer_group_ids
from community.selectors import unread_of_kind
from forum.models import Topic
from forum.visibility import category_open_q, topic_live

LATEST_SHOWN = 5


def _replies(count: int) -> str:
    return "no replies yet" if count == 0 else f"{count} repl{'y' if count == 1 else 'ies'}"


def latest_audience(*, member):
    """Who sees the same latest topics as ``member``: everyone whose groups open the same
    categories (staff see them all); community managers, who also see hidden topics, see
    their own list."""
    if is_community_manager(member):
        return None
    if is_staff_member(member):
        return "staff"
    return tuple(sorted(viewer_group_ids(member)))


def latest_topics(*, member) -> HomeSection:
    if member is None or is_community_manager(member):
        shown = Topic.objects.visible_to(member)
    else:
        # What everyone who shares the member's groups may open (``latest_audience``): a
        # member's own hidden topic is left out, so one copy serves them all.
        shown = Topic.objects.filter(topic_live() & category_open_q(member, "category__"))
    topics = shown.select_related("category").order_by("-last_post_at", "-pk")[:LATEST_SHOWN]
    return HomeSection(
        key="forum.latest", title="Latest in the forum",
        why="The conversations with the newest posts.",
        items=[HomeItem(title=topic.title, url=topic.get_absolute_url(),
                        detail=f"in {topic.category.name} · {_replies(topic.reply_count)}")
               for topic in topics],
        more_url=reverse("forum:index"), more_label="All topics")


def new_replies_in_my_topics(*, member) -> HomeSection:
    """Topics the member started with replies they have not read (by others)."""
    topics = (Topic.objects.visible_to(member).with_read_state(member)
              .filter(author=member, reply_count__gt=0)
              .exclude(last_post_author=member)
              .filter(last_post_number__gt=Coalesce(F("last_read"), 1))
              .order_by("-last_post_at", "-pk")[:LATEST_SHOWN])
    items = []
    for topic in topics:
        new = topic.last_post_number - (topic.last_read or 1)
        items.append(HomeItem(
            title=topic.title, url=reverse("forum:topic_unread", args=[topic.pk]),
            detail=f"{new} new repl{'y' if new == 1 else 'ies'}",
            why="You started this topic."))
    return HomeSection(key="forum.my_topics", title="New replies to your topics",
                       why="Replies you have not read yet, in topics you started.", items=items)


MENTION_KIND = "forum.mention"


def unread_mentions(*, member) -> HomeSection:
    """Mentions of the member they have not read yet, from their notifications."""
    mentions = unread_of_kind(user=member, kind=MENTION_KIND, limit=LATEST_SHOWN)
    items = [HomeItem(title=mention.message, url=mention.url or reverse("notifications"),
                      why="You were mentioned and have not read it yet.")
             for mention in mentions]
    return HomeSection(key="forum.mentions", title="Mentions of you",
                       why="Posts that mention you, since you last read your notifications.",
                       items=items)


def register() -> None:
    register_section("forum.my_topics", new_replies_in_my_topics, order=10, members_only=True)
    register_section("forum.mentions", unread_mentions, order=15, members_only=True)
    register_section("forum.latest", latest_topics, order=40, depends_on=(("forum", 0),),
                     audience=latest_audience)
