"""The activity digest: what a member missed while away, built for a batch of members at once.

Every read goes through the apps' selectors (forum, ideas, reviews, shop, badges, rewards,
moderation), each one or a few queries for the whole batch, so building 500 digests costs the
same queries as building 5 (per frequency in the batch: the window differs). Sections appear
only when they have something, each with the reason it is there.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from badges import selectors as badge_selectors
from community import consents
from community.models.accounts import DigestFrequency
from forum import selectors as forum_selectors
from ideas import selectors as idea_selectors
from moderation import selectors as moderation_selectors
from reviews import selectors as review_selectors
from rewards import selectors as reward_selectors
from shop import selectors as shop_selectors

# How far back each frequency looks, and how long a member must have been away to get it.
PERIOD_DAYS = {DigestFrequency.DAILY: 1, DigestFrequency.WEEKLY: 7, DigestFrequency.MONTHLY: 30}
PERIOD_WORDS = {DigestFrequency.DAILY: "day", DigestFrequency.WEEKLY: "week",
                DigestFrequency.MONTHLY: "month"}
# A challenge ending within this long is "about to end".
CHALLENGE_ENDING = datetime.timedelta(days=3)
ITEMS_PER_SECTION = 5


def period_length(frequency: str) -> datetime.timedelta:
    return datetime.timedelta(days=PERIOD_DAYS[frequency])


def period_key(frequency: str, now: datetime.datetime) -> str:
    """The calendar period a digest belongs to (unique per member in ``OutreachEmail``):
    the day, the ISO week or the month of ``now`` in the site's time zone."""
    day = timezone.localtime(now).date()
    if frequency == DigestFrequency.DAILY:
        return f"D{day:%Y-%m-%d}"
    if frequency == DigestFrequency.WEEKLY:
        year, week, _ = day.isocalendar()
        return f"W{year}-{week:02d}"
    return f"M{day:%Y-%m}"


@dataclass
class Item:
    title: str
    url: str  # absolute
    detail: str = ""
    why: str = ""


@dataclass
class Section:
    key: str
    title: str
    why: str
    items: list[Item]
    news: bool = True  # False: a standing (points), which alone is no reason to email
    summary: str = ""  # for the subject line ("3 new replies")


@dataclass
class Digest:
    member: object
    frequency: str
    since: datetime.datetime
    base_url: str  # the site's address every link of the digest starts with
    sections: list[Section] = field(default_factory=list)

    @property
    def has_news(self) -> bool:
        return any(section.news for section in self.sections)

    @property
    def period_word(self) -> str:
        return PERIOD_WORDS[self.frequency]


def _last_seen(member, visit_day: datetime.date | None) -> datetime.datetime | None:
    """The latest sign of the member on the site: their last log-in or the end of the last day
    a visit was counted (the day is all we know, so its end: never too early)."""
    seen = member.last_login
    if visit_day is not None:
        end_of_day = timezone.make_aware(datetime.datetime.combine(
            visit_day + datetime.timedelta(days=1), datetime.time.min))
        seen = max(seen, end_of_day) if seen else end_of_day
    return seen


@dataclass
class Eligibility:
    due: list = field(default_factory=list)
    no_consent: int = 0
    visited: int = 0
    sent_recently: int = 0


def eligible(members: list, *, now: datetime.datetime, digests_sent: dict[int, datetime.datetime],
             ) -> Eligibility:
    """Which of ``members`` (active, with an address, a frequency other than never) are due a
    digest: a current marketing consent, no visit within their period and no digest within it
    (``digests_sent``: each member's latest digest). Two queries (consents, visits)."""
    result = Eligibility()
    ids = [member.pk for member in members]
    consented = consents.marketing_consented(ids)
    visits = moderation_selectors.last_visits(member_ids=ids)
    for member in members:
        if member.pk not in consented:
            result.no_consent += 1
            continue
        window_start = now - period_length(member.digest_frequency)
        seen = _last_seen(member, visits.get(member.pk))
        if seen is not None and seen > window_start:
            result.visited += 1
            continue
        last_digest = digests_sent.get(member.pk)
        # An hour's grace: a job that runs hourly should not slip an hour each period.
        if last_digest is not None and last_digest > window_start + datetime.timedelta(hours=1):
            result.sent_recently += 1
            continue
        result.due.append(member)
    return result


def build_digests(members: list, *, now: datetime.datetime, base_url: str) -> list[Digest]:
    """One digest per member (empty ones included: the caller sends only those with news)."""
    by_frequency: dict[str, list] = defaultdict(list)
    for member in members:
        by_frequency[member.digest_frequency].append(member)
    levels_and_perks = _levels_and_perks()
    digests = []
    for frequency, group in by_frequency.items():
        digests += _build_group(group, frequency=frequency, now=now, base_url=base_url,
                                levels_and_perks=levels_and_perks)
    return digests


def _levels_and_perks():
    return reward_selectors.levels(), reward_selectors.perks_by_level()


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else (plural or word + 's')}"


def _build_group(members: list, *, frequency: str, now: datetime.datetime, base_url: str,
                 levels_and_perks) -> list[Digest]:
    since = now - period_length(frequency)
    ids = [member.pk for member in members]

    def absolute(url: str) -> str:
        return url if url.startswith(("http://", "https://")) else base_url + url

    replies = forum_selectors.replies_to_topics_of(member_ids=ids, since=since, limit=ITEMS_PER_SECTION)
    mentions = forum_selectors.mentions_of(member_ids=ids, since=since, limit=ITEMS_PER_SECTION)
    hot = forum_selectors.hot_topics_where_posted(member_ids=ids, since=since)
    ideas = idea_selectors.supported_ideas_news(member_ids=ids, since=since, limit=ITEMS_PER_SECTION)
    owned = shop_selectors.products_owned(member_ids=ids)
    products = review_selectors.product_news(
        product_ids={pid for pids in owned.values() for pid in pids}, since=since)
    levels, perks = levels_and_perks
    standings = badge_selectors.standings_of(member_ids=ids, levels=levels)
    challenges, progress = badge_selectors.challenges_ending(member_ids=ids, now=now,
                                                            within=CHALLENGE_ENDING)
    digests = []
    for member in members:
        digest = Digest(member=member, frequency=frequency, since=since, base_url=base_url)
        sections = digest.sections
        if member.pk in replies:
            sections.append(Section(
                key="replies", title="New replies to your topics",
                why="Because you started these topics.",
                items=[Item(title=topic.title, url=absolute(topic.url),
                            detail=_plural(topic.posts, "new reply", "new replies"),
                            why=f"Because you started “{topic.title}”.")
                       for topic in replies[member.pk]],
                summary=_plural(sum(topic.posts for topic in replies[member.pk]), "new reply",
                                "new replies")))
        if member.pk in mentions:
            sections.append(Section(
                key="mentions", title="Mentions of you",
                why="Because someone mentioned you in the forum.",
                items=[Item(title=message, url=absolute(url) if url else absolute(reverse(
                    "community:notifications"))) for message, url in mentions[member.pk]],
                summary=_plural(len(mentions[member.pk]), "mention")))
        for category, topics in hot.get(member.pk, []):
            sections.append(Section(
                key="hot", title=f"Busy in {category}",
                why=f"Because you post in {category}, one of the forum categories you post in most.",
                items=[Item(title=topic.title, url=absolute(topic.url),
                            detail=_plural(topic.posts, "new post")) for topic in topics]))
        if member.pk in ideas:
            sections.append(Section(
                key="ideas", title="Ideas you support",
                why="Because you support these ideas.",
                items=[Item(title=idea.title, url=absolute(idea.url), detail=f"It {idea.what}.")
                       for idea in ideas[member.pk]],
                summary=_plural(len(ideas[member.pk]), "idea you support", "ideas you support")
                + " moved on"))
        mine = [products[pid] for pid in sorted(owned.get(member.pk, ())) if pid in products]
        if mine:
            items = []
            for product in mine[:ITEMS_PER_SECTION]:
                parts = []
                if product["reviews"]:
                    parts.append(_plural(product["reviews"], "new review"))
                if product["replies"]:
                    parts.append(_plural(product["replies"], "reply from the brand",
                                         "replies from the brand"))
                items.append(Item(title=product["title"], url=absolute(product["url"] or "/products/"),
                                  detail=", ".join(parts)))
            sections.append(Section(key="products", title="Reviews of products you own",
                                    why="Because you bought these products.", items=items))
        ending = [challenge for challenge in challenges
                  if progress.get((member.pk, challenge.pk), 0) != -1]
        if ending:
            sections.append(Section(
                key="challenges", title="Challenges about to end",
                why="Because these challenges end within "
                    f"{CHALLENGE_ENDING.days} days and you have not completed them.",
                items=[Item(title=challenge.title, url=absolute(reverse("badges:challenges")),
                            detail=f"Ends {date_format(timezone.localtime(challenge.ends_at), 'j F, H:i')}; "
                                   f"you are at {progress.get((member.pk, challenge.pk), 0)} of "
                                   f"{challenge.goal}.")
                       for challenge in ending]))
        standing = standings.get(member.pk)
        if standing is not None and (standing.points or standing.level):
            detail = standing.figure_label
            if standing.level:
                detail += f"; your level: {standing.level.name}"
            lines = [Item(title=f"{standing.points:,} points", url=absolute(reverse("badges:points")),
                          detail=detail)]
            if standing.next_level is not None:
                perk = perks.get(standing.next_level.pk, "")
                lines.append(Item(title=f"Next: {standing.next_level.name}",
                                  url=absolute(reverse("rewards:levels")),
                                  detail=standing.to_next + (f". It brings: {perk}" if perk else ".")))
            sections.append(Section(key="points", title="Your points and level",
                                    why="Because you collect points in our programme.",
                                    items=lines, news=False))
        digests.append(digest)
    return digests
