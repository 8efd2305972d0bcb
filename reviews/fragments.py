"""Cached review text for product pages (see ``community.fragments``), and a whole page of
a product's reviews under the product's version."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from community import cache_versions, fragments
from reviews import selectors
from reviews.models import BrandReply, ProductRating, Review

PAGE_SIZE = 10

# The review's content before and after its time (see reviews/includes/review_content.html).
PIECES = ("reviews/includes/review_content_head.html", "reviews/includes/review_content_tail.html")


def _cacheable(review: Review) -> bool:
    # The product page lists visible reviews only; checked again so a hidden or deleted one
    # reaching a list by mistake is rendered in full, never stored.
    return review.hidden_at is None and review.deleted_at is None


def _parts(review: Review) -> tuple:
    return (review.pk, review.rating, review.title, review.body, review.created_at, review.edited_at,
            review.verified_owner, *fragments.member_parts(review.author))


def _render(review: Review) -> tuple[str, str]:
    return tuple(render_to_string(template, {"review": review}) for template in PIECES)


def attach_review_fragments(reviews: list[Review]) -> None:
    """Give each review its cached ``cached_html`` (one cache trip for the page)."""
    fragments.attach(reviews, kind="review", parts=_parts, render=_render, cacheable=_cacheable,
                     when=lambda review: review.created_at)


# --- A page of reviews ------------------------------------------------------------------------
#
# What every reader sees alike of a page of a product's reviews (the rating block's figures,
# which reviews are on the page in which order, each review's opening tag and content around
# its time, its visible brand reply) is one cache entry per product, sort, stars, page and
# version (the product's and the members', ``community.cache_versions``). Per request the
# light query (``selectors.product_review_rows``) says which of them are still visible, the
# helpful counts, whether this reader voted each, and whether they reviewed the product; the
# actions under each review (helpful, flag, brand reply, hide) are rendered for the reader
# around the cached pieces, never cut out of HTML rendered for someone else. A review whose
# row no longer matches what was cached (an edit whose version bump has not run yet) makes
# the page render afresh.

OPEN_TEMPLATE = "reviews/includes/review_open.html"
REPLY_TEMPLATE = "reviews/includes/brand_reply_head.html"
# The product's and the members' versions keep a page current; this bounds what no version
# follows (an author's role label), as for the topic and idea pages.
PAGE_TIMEOUT = 60


def _reply_state(review: Review) -> tuple | None:
    if review.reply_id is None:
        return None
    return (review.reply_id, review.reply_author_id, review.reply_edited_at,
            review.reply_hidden_at is None and review.reply_deleted_at is None)


def _state(review: Review) -> tuple:
    """What a review's cached pieces show of its row (read alike by the light and the full
    query)."""
    return (review.author_id, review.rating, review.verified_owner, review.edited_at, review.text_version,
            _reply_state(review), fragments.member_state_of(review, "by"),
            fragments.member_state_of(review, "reply_by") if review.reply_id is not None else None)


@dataclass
class PageOfReviews:
    rating: ProductRating
    page: Page
    cards: list[SafeString]
    own_review: bool


def _key(product_id: int, sort: str, stars: int | None, page: int) -> str | None:
    versions = cache_versions.versions_of([("product", product_id), cache_versions.MEMBERS])
    if None in versions.values():  # the cache is unreachable: nothing is stored
        return None
    return fragments.fragment_key("product-reviews", (product_id, sort, stars, page, *versions.values()))


def _entry(rating: ProductRating, number: int, reviews: list[Review]) -> dict:
    pieces = fragments.pieces_of(reviews, kind="review", parts=_parts, render=_render, cacheable=_cacheable)
    cards = {}
    for review in reviews:
        before, after = pieces[id(review)]
        opening = render_to_string(OPEN_TEMPLATE, {"review": review})
        reply = None
        if review.reply_id is not None and _reply_state(review)[3]:
            reply = render_to_string(REPLY_TEMPLATE, {"reply": review.brand_reply})
        cards[review.pk] = (_state(review), review.created_at, f"{opening}\n  {before}", after, reply)
    return {"rating": rating, "number": number, "order": [review.pk for review in reviews], "cards": cards}


def _card(context: dict, review: Review, card: tuple) -> str:
    from moderation.templatetags.moderation_tags import flag_box
    from reviews.templatetags.reviews_tags import review_actions

    _, created_at, before, after, reply = card
    html = f"{fragments.joined((before, after), created_at)}\n  {review_actions(context, review)}"
    if reply is not None:
        user = context["user"]
        flag = (flag_box(context, BrandReply, review.reply_id)
                if user.is_authenticated and review.reply_author_id != user.pk else "")
        html += f"\n  {reply}\n      {flag}\n    </div>"
    return f"{html}\n</li>"


def page_of_reviews(*, context: dict, product, sort: str, stars: int | None,
                    page: str | None) -> PageOfReviews:
    """The reviews section's figures and cards for the reader (see above). ``context``: the
    reader (``user``), ``request``, ``csrf_token`` (lazy), ``is_brand_staff`` and ``is_manager``.

    Queries: when the page is cached, one (the light query); when not, three (the rating row,
    the page of reviews, their authors' roles) and the reader's own review, and it is stored."""
    user = context["user"]
    requested = _page_number(page)
    key = _key(product.pk, sort, stars, requested)
    entry = cache.get(key) if key else None
    if isinstance(entry, dict):
        rows = selectors.product_review_rows(product=product, viewer=user, review_ids=entry["order"])
        listed = {row.pk: row for row in rows if row.pk in entry["cards"] and row.hidden_at is None
                  and row.deleted_at is None}
        if all(_state(row) == entry["cards"][pk][0] for pk, row in listed.items()):
            own = user.is_authenticated and any(row.author_id == user.pk and row.product_id == product.pk
                                                for row in rows)
            return _page(context, entry, [listed[pk] for pk in entry["order"] if pk in listed], own, stars)
    rating = selectors.product_rating(product=product)
    reviews = selectors.product_reviews(product=product, viewer=user, sort=sort, stars=stars)
    paginator = Paginator(reviews, PAGE_SIZE)
    # The rating row counts the product's visible reviews, per star too (kept under the
    # product's row lock, reviews.models.ProductRating): the page needs no COUNT of its own,
    # and its pages agree with the count it shows.
    paginator.count = getattr(rating, f"stars_{stars}") if stars else rating.count
    shown = paginator.get_page(page)
    listed = list(shown.object_list)
    entry = _entry(rating, shown.number, listed)
    if key is not None and shown.number == requested:  # junk or out-of-range pages are not stored
        cache.set(key, entry, PAGE_TIMEOUT)
    own = selectors.own_review(product=product, author=user, with_revisions=False) is not None
    return _page(context, entry, listed, own, stars)


def _page_number(page: str | None) -> int:
    try:
        return max(int(page or 1), 1)
    except (TypeError, ValueError):
        return 1


def _page(context: dict, entry: dict, reviews: list[Review], own: bool, stars: int | None) -> PageOfReviews:
    rating = entry["rating"]
    paginator = Paginator(range(getattr(rating, f"stars_{stars}") if stars else rating.count), PAGE_SIZE)
    cards = [mark_safe(_card(context, review, entry["cards"][review.pk]))  # noqa: S308 - our templates, escaped values
             for review in reviews]
    return PageOfReviews(rating=rating, page=paginator.get_page(entry["number"]), cards=cards, own_review=own)
