"""Cached review text on product pages (reviews.fragments)."""

import pickle

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db


def test_review_text_is_cached_and_an_edit_or_a_hide_shows_at_once(client, site_tree):
    from reviews import services as review_services
    from reviews.fragments import attach_review_fragments
    from reviews.models import Review
    from tests.factories import CommunityManagerFactory, UserFactory, make_product

    product = make_product()
    author, reader = UserFactory(), UserFactory()
    review = review_services.save_review(author=author, product=product, rating=4, title="Solid kettle",
                                           body="Boils fast.")
    client.force_login(reader)
    assert "Boils fast." in client.get(product.url).content.decode()
    assert any(":frag:review:" in key for key in cache._cache)
    review_services.save_review(author=author, product=product, rating=2, title="Solid kettle",
                                  body="Started leaking.")
    html = client.get(product.url).content.decode()
    assert "Started leaking." in html and "Boils fast." not in html
    review_services.hide_review(actor=CommunityManagerFactory(), review_id=review.pk, reason="Off topic")
    assert "Started leaking." not in client.get(product.url).content.decode()
    review = Review.objects.get(pk=review.pk)
    attach_review_fragments([review])
    assert not hasattr(review, "cached_html")


def test_review_cards_keep_staff_controls_out_of_the_cache(client, site_tree):
    from reviews import services as review_services
    from tests.factories import BrandStaffFactory, CommunityManagerFactory, UserFactory, make_product

    product = make_product()
    review_services.save_review(author=UserFactory(), product=product, rating=5, title="Great",
                                  body="Lovely, well made.")
    client.force_login(CommunityManagerFactory())
    assert "Hide review" in client.get(product.url).content.decode()
    client.force_login(BrandStaffFactory())
    assert "Reply as the brand" in client.get(product.url).content.decode()
    client.force_login(UserFactory())
    html = client.get(product.url).content.decode()
    assert "Hide review" not in html and "Reply as the brand" not in html and "Lovely, well made." in html
    for key, raw in cache._cache.items():
        if ":frag:" in key:
            text = pickle.loads(raw)  # noqa: S301 - the test process's own cache
            assert "Hide review" not in text and "Reply as the brand" not in text and "Helpful" not in text

