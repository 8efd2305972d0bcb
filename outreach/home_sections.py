"""The home page's sections built on what members bought (``community.home``), for members
only, with the reason on every item: "your purchases to review" (the on-site counterpart of
the review request email), "Can you help?" (unanswered forum questions about products the
member owns) and "New about what you own" (reviews and brand replies since). The member's
purchases are read once per request for all three (``_purchases``)."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from community.home import HomeItem, HomeSection, register_section
from forum import selectors as forum_selectors
from reviews import selectors as review_selectors
from shop import selectors as shop_selectors

SHOWN = 3
WITHIN = datetime.timedelta(days=365)
# Owned products looked at: the member's latest distinct purchases (of the last year).
OWNED_CONSIDERED = 20
NEWS_WITHIN = datetime.timedelta(days=14)


def _purchases(member) -> list:
    """The member's purchases of the last year, newest first: one query per request, kept
    on the member object the request loaded (as ``community.roles`` keeps the roles)."""
    if "_hearth_purchases" not in member.__dict__:
        member.__dict__["_hearth_purchases"] = shop_selectors.recent_purchases(
            member_id=member.pk, since=timezone.now() - WITHIN, limit=OWNED_CONSIDERED)
    return member.__dict__["_hearth_purchases"]


def purchases_to_review(*, member) -> HomeSection:
    lines = _purchases(member)[:SHOWN * 2]
    reviewed = review_selectors.reviewed_products(author_id=member.pk,
                                                  product_ids=[line.product_id for line in lines])
    items = [
        HomeItem(title=line.product.title,
                 url=reverse("reviews:write", kwargs={"slug": line.product.slug}),
                 detail="Write a review",
                 why=f"You bought it on {date_format(line.order.paid_at, 'j F Y')} "
                     "and have not reviewed it yet.")
        for line in lines if line.product_id not in reviewed
    ][:SHOWN]
    return HomeSection(key="outreach.to_review", title="How are your purchases working out?",
                       why="Products from your orders in the last year; a review helps other "
                           "customers choose.",
                       items=items)


QUESTIONS_SHOWN = 5
QUESTIONS_WITHIN = datetime.timedelta(days=30)


def questions_you_can_answer(*, member) -> HomeSection:
    """Unanswered questions of the last 30 days about products the member bought (and did not
    ask themselves). One query (the purchases are the request's, ``_purchases``)."""
    lines = _purchases(member)
    topics = forum_selectors.unanswered_topics_about(
        product_ids=[line.product_id for line in lines], since=timezone.now() - QUESTIONS_WITHIN,
        exclude_author_id=member.pk, limit=QUESTIONS_SHOWN)
    items = [HomeItem(title=topic.title, url=topic.get_absolute_url(), detail="no replies yet",
                      why=f"You own the {topic.product.title}: can you help?",
                      object_id=topic.pk)
             for topic in topics]
    return HomeSection(key="outreach.can_you_help", title="Can you help?",
                       why="Questions from the last 30 days about products you bought that "
                           "nobody has answered yet.",
                       items=items)


def news_about_what_you_own(*, member) -> HomeSection:
    """Reviews by others and brand replies of the last two weeks on products the member bought
    (two queries, three when there is news; none without purchases)."""
    lines = _purchases(member)
    news = review_selectors.product_news(product_ids={line.product_id for line in lines},
                                         since=timezone.now() - NEWS_WITHIN,
                                         exclude_author_id=member.pk)
    items = []
    for entry in news.values():
        parts = [part for part in (_count(entry["reviews"], "new review"),
                                   _count(entry["replies"], "brand reply", "brand replies")) if part]
        items.append(HomeItem(title=entry["title"], url=entry["url"] or "", detail=", ".join(parts),
                              why=f"You own the {entry['title']}."))
    return HomeSection(key="outreach.owned_news", title="New about what you own",
                       why="Reviews and the brand's replies of the last two weeks on products "
                           "you bought.", items=items[:SHOWN])


def _count(n: int, one: str, many: str | None = None) -> str:
    if not n:
        return ""
    return f"{n} {one}" if n == 1 else f"{n} {many or one + 's'}"


def register() -> None:
    register_section("outreach.to_review", purchases_to_review, order=20, members_only=True)
    register_section("outreach.can_you_help", questions_you_can_answer, order=25,
                     members_only=True)
    register_section("outreach.owned_news", news_about_what_you_own, order=27, members_only=True)
