"""The home page's "your purchases to review" section (``community.home``): the on-site
counterpart of the review request email, for members only, with the reason on every item."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from community.home import HomeItem, HomeSection, register_section
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


def register() -> None:
    register_section("outreach.to_review", purchases_to_review, order=20, members_only=True)
