"""The home page's sections built on what members bought (``community.home``), for members
only, with the reason on every item: "your purchases to review" (the on-site counterpart of
the review request email) and "Can you help?" (unanswered forum questions about products the
member owns)."""

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


def purchases_to_review(*, member) -> HomeSection:
    lines = shop_selectors.recent_purchases(member_id=member.pk, since=timezone.now() - WITHIN,
                                            limit=SHOWN * 2)
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
# Owned products looked at: the member's latest distinct purchases (of the last year).
OWNED_CONSIDERED = 20


def questions_you_can_answer(*, member) -> HomeSection:
    """Unanswered questions of the last 30 days about products the member bought (and did not
    ask themselves). Two queries: the member's purchases, then the topics."""
    lines = shop_selectors.recent_purchases(member_id=member.pk, since=timezone.now() - WITHIN,
                                            limit=OWNED_CONSIDERED)
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


def register() -> None:
    register_section("outreach.to_review", purchases_to_review, order=20, members_only=True)
    register_section("outreach.can_you_help", questions_you_can_answer, order=25,
                     members_only=True)
