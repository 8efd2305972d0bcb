from django import template
from django.core.paginator import Paginator

from community import page_cache
from community.roles import is_brand_staff, is_community_manager
from reviews import selectors
from reviews.fragments import attach_review_fragments

register = template.Library()

PAGE_SIZE = 10


@register.inclusion_tag("reviews/product_reviews.html", takes_context=True)
def product_reviews(context, product):
    """The reviews section of a product page: summary, distribution, sorted and filtered list."""
    request = context["request"]
    sort = request.GET.get("sort", "helpful")
    sort = sort if sort in selectors.SORTS else "helpful"
    try:
        stars = int(request.GET.get("stars", ""))
    except ValueError:
        stars = None
    if stars not in range(1, 6):
        stars = None
    reviews = selectors.product_reviews(product=product, viewer=request.user, sort=sort, stars=stars)
    rating = selectors.product_rating(product=product)
    paginator = Paginator(reviews, PAGE_SIZE)
    # The rating row counts the product's visible reviews, per star too (kept under the
    # product's row lock, reviews.models.ProductRating): the page needs no COUNT of its own,
    # and its pages agree with the count it shows.
    paginator.count = getattr(rating, f"stars_{stars}") if stars else rating.count
    page = paginator.get_page(request.GET.get("page"))
    page_cache.rendered_for_query(request, sort=sort, page=page.number, **({"stars": stars} if stars else {}))
    page.object_list = list(page.object_list)
    attach_review_fragments(page.object_list)
    prefix = f"sort={sort}" + (f"&stars={stars}" if stars else "")
    return {
        "request": request, "product": product, "page": page, "sort": sort, "stars": stars,
        "query_prefix": prefix, "rating": rating,
        "own": selectors.own_review(product=product, author=request.user, with_revisions=False),
        "is_brand_staff": is_brand_staff(request.user),
        "is_manager": is_community_manager(request.user),
        "sorts": [("helpful", "Most helpful"), ("newest", "Newest"), ("lowest", "Lowest"),
                  ("highest", "Highest")],
        "csrf_token": context.get("csrf_token"),
        "user": request.user,
    }


@register.filter
def stars(value):
    value = int(value or 0)
    return "★" * value + "☆" * (5 - value)
