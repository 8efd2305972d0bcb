"""The reviews' section of the home page (``community.home``): the best-rated products."""

from __future__ import annotations

from community.home import HomeItem, HomeSection, register_section
from community.models import ProductPage
from community.selectors import bayesian_rating
from reviews.live import CATALOGUE

TOP_RATED_SHOWN = 4


def top_rated_products(*, member) -> HomeSection:
    products = (ProductPage.objects.live().public().filter(rating__count__gt=0)
                .select_related("rating").annotate(rating_score=bayesian_rating())
                .order_by("-rating_score", "title")[:TOP_RATED_SHOWN])
    items = []
    for product in products:
        count = product.rating.count
        average = product.rating.total / count
        items.append(HomeItem(title=product.title, url=product.url,
                              detail=f"{average:.1f} out of 5 from {count} "
                                     f"review{'' if count == 1 else 's'}"))
    return HomeSection(key="reviews.top_rated", title="Top-rated products",
                       why="Rated highest by customers who own them.", items=items,
                       more_url="/products/", more_label="All products")


def everyone(*, member) -> str:
    """Every reader sees the same public products, rated from visible reviews."""
    return "public"


def register() -> None:
    register_section("reviews.top_rated", top_rated_products, order=60,
                     depends_on=(("product", CATALOGUE),), audience=everyone)
