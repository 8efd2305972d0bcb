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



# --- A page of reviews cached under the product's version (reviews.fragments.page_of_reviews) --

def _squash(html: str) -> str:
    import re

    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", str(html))).strip()


def _cards(html: str) -> str:
    return html[html.index('<ol class="review-list"'):html.index("</ol>")]


def _unmasked(html: str) -> str:
    import re

    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken"', html)


def cached_review_pages() -> list[dict]:
    return [pickle.loads(raw) for key, raw in list(cache._cache.items())  # noqa: S301 - our own cache
            if ":frag:product-reviews:" in key]


@pytest.fixture
def reviewed(site_tree):
    from reviews import services as review_services
    from tests.factories import BrandStaffFactory, UserFactory, make_product

    product = make_product()
    author, voter, staff = UserFactory(), UserFactory(), BrandStaffFactory()
    first = review_services.save_review(author=author, product=product, rating=5, title="Great",
                                        body="Boils fast.")
    review_services.save_review(author=UserFactory(), product=product, rating=3, title="Fine",
                                body="Does the job.")
    review_services.mark_helpful(voter=voter, review_id=first.pk)
    review_services.reply_as_brand(staff=staff, review_id=first.pk, body="Thanks for the kind words!",
                                   p_negative=0.0)
    return {"product": product, "author": author, "voter": voter, "staff": staff, "review": first}


def test_each_review_card_reads_as_the_review_card_template_renders_it(rf, reviewed):
    """The cached pieces with each reader's actions around them against
    reviews/includes/review_card.html (and its review_actions.html reference), for readers in
    every role, from the cache and not."""
    from django.contrib.auth.models import AnonymousUser
    from django.middleware.csrf import get_token
    from django.template import Context, engines
    from django.template.loader import render_to_string

    from community.roles import is_brand_staff, is_community_manager
    from reviews import selectors
    from reviews.fragments import attach_review_fragments, page_of_reviews
    from tests.factories import CommunityManagerFactory

    product = reviewed["product"]
    actions = engines["django"].engine.get_template("reviews/includes/review_actions.html")
    readers = [CommunityManagerFactory(), reviewed["staff"], reviewed["author"], reviewed["voter"],
               AnonymousUser(), reviewed["voter"]]
    for reader in readers:
        request = rf.get(product.url)
        request.user = reader
        context = {"request": request, "user": reader, "csrf_token": get_token(request),
                   "is_brand_staff": is_brand_staff(reader), "is_manager": is_community_manager(reader)}
        ours = page_of_reviews(context=context, product=product, sort="helpful", stars=None, page=None)
        reviews = list(selectors.product_reviews(product=product, viewer=reader))
        attach_review_fragments(reviews)
        reference = [render_to_string("reviews/includes/review_card.html", {**context, "review": review})
                     for review in reviews]
        assert [_squash(card) for card in ours.cards] == [_squash(card) for card in reference], reader
        from reviews.templatetags.reviews_tags import review_actions

        for review in reviews:
            assert _squash(review_actions(context, review)) == _squash(actions.render(Context(
                {**context, "review": review}))), reader
    assert cached_review_pages()


def test_helpful_votes_and_own_reviews_are_never_read_from_a_page_another_reader_filled(client, reviewed):
    from tests.factories import UserFactory

    url = reviewed["product"].url
    client.force_login(reviewed["voter"])
    as_voter = client.get(url).content.decode()
    assert "You found this helpful" in as_voter and "Write a review" in as_voter
    assert cached_review_pages()
    client.force_login(reviewed["author"])
    as_author = client.get(url).content.decode()
    assert "You found this helpful" not in as_author and "Edit your review" in as_author
    client.force_login(UserFactory())
    as_other = client.get(url).content.decode()
    assert "You found this helpful" not in as_other and "Write a review" in as_other
    assert as_other.count(">Helpful</button>") == 2


def test_staff_controls_are_never_read_from_a_page_another_reader_filled(client, reviewed):
    from tests.factories import CommunityManagerFactory, UserFactory

    url = reviewed["product"].url
    client.force_login(CommunityManagerFactory())
    assert "Hide review" in client.get(url).content.decode()
    client.force_login(reviewed["staff"])
    as_staff = client.get(url).content.decode()
    assert "Edit brand reply" in as_staff and "Hide review" not in as_staff
    client.force_login(UserFactory())
    as_member = client.get(url).content.decode()
    assert "Hide review" not in as_member and "brand reply</a>" not in as_member
    assert "Reply as the brand" not in as_member
    for page in cached_review_pages():
        for card in page["cards"].values():
            html = "".join(part or "" for part in card[2:])
            assert "Hide review" not in html and "Helpful</button>" not in html
            assert "csrfmiddlewaretoken" not in html and "Flag this" not in html


def test_a_review_hidden_after_its_page_was_cached_is_gone_at_once(client, reviewed):
    from reviews import services as review_services
    from tests.factories import CommunityManagerFactory, UserFactory

    url = reviewed["product"].url
    client.force_login(UserFactory())
    assert "Boils fast." in client.get(url).content.decode()
    # Test transactions never commit: the product's version is not bumped, the page stays cached.
    review_services.hide_review(actor=CommunityManagerFactory(), review_id=reviewed["review"].pk,
                                reason="Off topic")
    html = client.get(url).content.decode()
    assert "Boils fast." not in html and "Thanks for the kind words!" not in html
