"""Staff see why a review was flagged: its stars, its score against the line it crossed, and
the clauses that drove the score, highlighted on the follow-up page."""

import pytest

from reviews import flag_explanation, sentiment, services
from reviews.models import FollowUp, Review
from tests.factories import BrandStaffFactory, make_product
from tests.reviews.factories import write_review

pytestmark = pytest.mark.django_db



@pytest.fixture
def product(site_tree):
    return make_product(title="Kettle", sku="KET-1")


LINES = sentiment.Thresholds(flag=0.5, high_rating=0.85, acknowledge=0.75)


def scored(review, p, clauses):
    services.apply_score(review_id=review.pk, text_version=review.text_version, p_negative=p,
                         backend="x", clauses=clauses, thresholds=LINES)
    review.refresh_from_db()
    return review


def test_the_clause_that_crossed_the_line_is_highlighted_and_the_rest_is_plain(product):
    review = write_review(product=product, rating=5, title="Lovely",
                          body="Great design, but it broke within a week.")
    text = review.text  # "Lovely. Great design, but it broke within a week."
    broke = text.index("but it broke")
    review = scored(review, 0.93, [(0, 7, 0.05), (8, broke - 2, 0.1), (broke, len(text), 0.93)])
    explanation = flag_explanation.explain(review, LINES)
    assert [(s.text, s.p_negative) for s in explanation.segments] == [
        (text[:broke], None), ("but it broke within a week.", 0.93)]
    assert explanation.reasons == [
        "The text scored P(negative) 0.93; 5 stars reviews are flagged from 0.85."]


def test_a_low_star_review_with_a_happy_text_says_the_stars_may_not_be_meant(product):
    review = scored(write_review(product=product, rating=1, body="Works well, great kettle."),
                    0.1, [(0, 10, 0.1)])
    explanation = flag_explanation.explain(review, LINES)
    assert explanation.reasons[0] == "1 star: every 1-2 star review is followed up."
    assert "check whether the stars were meant" in explanation.reasons[1]
    assert not explanation.highlights


def test_clauses_that_do_not_fit_the_text_are_ignored_not_an_error(product):
    review = scored(write_review(product=product, rating=3, body="It broke after a week."),
                    0.9, [(0, 9999, 0.9), ("a", None, "x"), [3]])
    assert not flag_explanation.explain(review, LINES).highlights


def test_an_edit_forgets_the_old_clauses(product):
    review = scored(write_review(product=product, rating=3, body="It broke after a week."),
                    0.9, [(0, 22, 0.9)])
    assert review.sentiment_clauses == [[0, 22, 0.9]]
    edited = write_review(author=review.author, product=product, rating=3, body="Fixed by support now.")
    edited.refresh_from_db()
    assert edited.sentiment_clauses == [] and edited.sentiment == Review.Sentiment.PENDING


def test_the_follow_up_page_shows_why_with_the_driving_clause_marked(client, product):
    review = write_review(product=product, rating=3, title="Meh", body="Looks fine, but the lid cracked.")
    text = review.text
    cracked = text.index("but the lid")
    scored(review, 0.8, [(0, 3, 0.2), (5, cracked - 2, 0.1), (cracked, len(text), 0.8)])
    client.force_login(BrandStaffFactory())
    page = client.get(f"/staff/follow-ups/{FollowUp.objects.get(review=review).pk}/").content.decode()
    assert "Why this review was flagged" in page
    assert '<mark class="sentiment-driver" tabindex="0" title="P(negative) 0.80">but the lid cracked.' in page
