"""The product catalogue: search, category filter, sort, pages, and bad links that still show
products; demo pictures drawn at seed time."""

import io

import pytest
from PIL import Image as PilImage

from community import catalogue
from community.demo_images import SILHOUETTES, picture_image, product_picture
from community.models import ProductCategory
from tests.factories import UserFactory, make_product
from tests.reviews.factories import write_review

pytestmark = pytest.mark.django_db

URL = "/products/"


@pytest.fixture
def shelf(site_tree):
    kitchen = ProductCategory.objects.create(name="Kitchen", slug="kitchen")
    outdoor = ProductCategory.objects.create(name="Outdoor", slug="outdoor")
    kettle = make_product(title="Ember Kettle", sku="K-1", category=kitchen,
                          summary="Holds any temperature.")
    grinder = make_product(title="Ember Grinder", sku="G-1", category=kitchen,
                           summary="Conical burrs.")
    lantern = make_product(title="Trail Lantern", sku="L-1", category=outdoor,
                           summary="USB-C rechargeable.")
    for _ in range(3):
        write_review(author=UserFactory(), product=grinder, rating=5)
    write_review(author=UserFactory(), product=lantern, rating=2)
    return {"kettle": kettle, "grinder": grinder, "lantern": lantern}


def _titles(client, **params) -> list[str]:
    response = client.get(URL, params)
    assert response.status_code == 200
    return [product.title for product in response.context["products"]]


def test_best_rated_first_by_default_with_the_reason_given(client, shelf):
    assert _titles(client) == ["Ember Grinder", "Ember Kettle", "Trail Lantern"]
    assert "a product with few reviews sits near the average" in client.get(URL).content.decode()


@pytest.mark.parametrize(("sort", "expected"), [
    ("name", ["Ember Grinder", "Ember Kettle", "Trail Lantern"]),
    ("newest", ["Trail Lantern", "Ember Grinder", "Ember Kettle"]),
    ("reviews", ["Ember Grinder", "Trail Lantern", "Ember Kettle"]),
])
def test_members_sort_the_catalogue(client, shelf, sort, expected):
    assert _titles(client, sort=sort) == expected


def test_a_category_narrows_the_catalogue_and_says_so(client, shelf):
    assert _titles(client, category="outdoor") == ["Trail Lantern"]
    html = client.get(URL, {"category": "outdoor"}).content.decode()
    assert "1 product in Outdoor" in html and "Show all products" in html


def test_search_matches_every_word_in_title_summary_or_sku(client, shelf):
    assert _titles(client, q="ember", sort="name") == ["Ember Grinder", "Ember Kettle"]
    assert _titles(client, q="ember burrs") == ["Ember Grinder"]
    assert _titles(client, q="l-1") == ["Trail Lantern"]
    html = client.get(URL, {"q": "teapot"}).content.decode()
    assert "No products match" in html and "matching “teapot”" in html


@pytest.mark.parametrize("params", [
    {"category": "no-such-category"}, {"sort": "cheapest"}, {"q": "x" * 500},
    {"page": "-1"}, {"page": "abc"}, {"category": ["kitchen", "outdoor"]}
])
def test_a_bad_link_still_shows_products_and_keeps_the_valid_choices(client, shelf, params):
    response = client.get(URL, params)
    assert response.status_code == 200
    assert len(response.context["products"]) >= 1


def test_an_unknown_choice_is_named_and_the_others_still_apply(client, shelf):
    response = client.get(URL, {"category": "nope", "sort": "name"})
    assert [p.title for p in response.context["products"]][0] == "Ember Grinder"
    assert "Ignored what this link asked for category" in response.content.decode()


def test_the_catalogue_pages_and_page_links_keep_the_choices(client, site_tree, settings,
                                                            monkeypatch):
    monkeypatch.setattr(catalogue, "PRODUCTS_PER_PAGE", 2)
    for index in range(5):
        make_product(title=f"Gadget {index}", sku=f"P-{index}")
    html = client.get(URL, {"q": "gadget", "sort": "name", "page": 2}).content.decode()
    assert "Page 2 of 3" in html
    assert 'href="?q=gadget&amp;sort=name&amp;page=3"' in html
    assert _titles(client, q="gadget", sort="name", page=3) == ["Gadget 4"]


def test_every_product_kind_of_the_demo_has_its_own_drawing():
    from community.demo import PRODUCTS

    for _title, slug, _sku, category, _summary in PRODUCTS:
        assert any(slug.endswith(name) for name in SILHOUETTES), slug
        picture = PilImage.open(io.BytesIO(product_picture(slug=slug, category_slug=category)))
        assert picture.size == (960, 600)


def test_cards_show_pictures_with_one_query_for_all_their_renditions(
        client, site_tree, django_assert_num_queries):
    for index in range(3):
        make_product(title=f"Pictured {index}", sku=f"I-{index}",
                     image=picture_image(title=f"Pictured {index}", slug=f"p-{index}-kettle",
                                         category_slug="kitchen"))
    client.get(URL)  # renditions are made on the first view
    with django_assert_num_queries(QUERIES_WITH_PICTURES):
        html = client.get(URL).content.decode()
    assert html.count("demo-p-") == 3


QUERIES_WITH_PICTURES = 7  # the product list's queries, plus the images and their renditions
