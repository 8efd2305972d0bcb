from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils.html import escape
from django.utils.safestring import mark_safe

from community import page_cache
from community.fragments import url_for
from community.roles import is_brand_staff, is_community_manager
from moderation.templatetags.moderation_tags import flag_box
from reviews import selectors
from reviews.fragments import page_of_reviews
from reviews.models import Review

register = template.Library()

@register.inclusion_tag("reviews/product_reviews.html", takes_context=True)
def product_reviews(context, product):
    """The reviews section of a product page: summary, distribution, sorted and filtered list
    (what every reader sees alike from the cache, ``reviews.fragments.page_of_reviews``)."""
    request = context["request"]
    sort = request.GET.get("sort", "helpful")
    sort = sort if sort in selectors.SORTS else "helpful"
    try:
        stars = int(request.GET.get("stars", ""))
    except ValueError:
        stars = None
    if stars not in range(1, 6):
        stars = None
    reader = {
        "request": request, "user": request.user, "csrf_token": context.get("csrf_token"),
        "is_brand_staff": is_brand_staff(request.user), "is_manager": is_community_manager(request.user),
    }
    shown = page_of_reviews(context=reader, product=product, sort=sort, stars=stars,
                            page=request.GET.get("page"))
    page_cache.rendered_for_query(request, sort=sort, page=shown.page.number,
                                  **({"stars": stars} if stars else {}))
    prefix = f"sort={sort}" + (f"&stars={stars}" if stars else "")
    return {
        **reader, "product": product, "page": shown.page, "cards": shown.cards, "sort": sort,
        "stars": stars, "query_prefix": prefix, "rating": shown.rating, "own": shown.own_review,
        "sorts": [("helpful", "Most helpful"), ("newest", "Newest"), ("lowest", "Lowest"),
                  ("highest", "Highest")],
    }


@register.simple_tag(takes_context=True)
def review_actions(context, review):
    """The footer of one review for this reader, rendered in Python: it is not cached (it
    differs per reader) and a product page shows ten. ``reviews/includes/review_actions.html``
    is the reference: tests/reviews/test_fragments.py checks both give the same HTML."""
    user = context.get("user")
    signed_in = user is not None and user.is_authenticated
    csrf = CsrfTokenNode().render(context) if signed_in else ""
    parts = [f'<span class="muted"><span data-helpful-count>{int(review.helpful_count)}</span> '
             f'found this helpful</span>']
    if signed_in and review.author_id != user.pk:
        if review.viewer_voted:
            parts.append('<span class="muted">· You found this helpful</span>')
        else:
            url = escape(url_for("reviews:helpful", review.pk))
            parts.append(f'<form method="post" action="{url}">{csrf}'
                         f'<button type="submit" class="button secondary small">Helpful</button></form>')
        parts.append(flag_box(context, Review, review.pk))
    if signed_in and review.author_id == user.pk and review.flagged_negative:
        parts.append(f'<p class="review-follow-up-note">{escape(follow_up_note(review))}</p>')
    if context.get("is_brand_staff"):
        label = "Edit brand reply" if review.reply_id is not None else "Reply as the brand"
        parts.append(f'<a href="{escape(url_for("reviews:reply", review.pk))}">{label}</a>')
    if (context.get("is_brand_staff") or context.get("is_manager")) and not review.flagged_negative:
        parts.append(
            f'<form method="post" action="{escape(url_for("reviews:missed_negative", review.pk))}">{csrf}'
            f'<button type="submit" class="button secondary small">Missed: this is negative</button></form>')
    if context.get("is_manager"):
        parts.append(
            f'<form method="post" action="{escape(url_for("reviews:hide", review.pk))}" class="inline-form">'
            f'{csrf}<label for="hide-reason-{review.pk}">Guideline broken</label>'
            f'<input id="hide-reason-{review.pk}" name="reason" required maxlength="300">'
            f'<button type="submit" class="button secondary">Hide review</button></form>')
    return mark_safe(f'<footer class="review-actions">{"".join(parts)}</footer>')  # noqa: S308 - numbers, reversed URLs


def follow_up_note(review) -> str:
    """What the author of a flagged review reads under it: that a person will follow up, and
    why (privacy: automated decisions are explained to the people they touch)."""
    if review.rating <= 2:
        why = "reviews of 1 or 2 stars always get a personal follow-up"
    else:
        why = ("our automatic reading of your text suggests something went wrong; a person "
               "reads it before anyone contacts you")
    return f"Our team will follow up on this review: {why}."


@register.simple_tag
def review_follow_up_note(review) -> str:
    return follow_up_note(review)


@register.filter
def stars(value):
    value = int(value or 0)
    return "★" * value + "☆" * (5 - value)
