"""Missed negatives: staff put an unflagged review in the follow-up queue by hand."""

import pytest
from django.core.exceptions import PermissionDenied

from community.refusals import Refusal
from reviews import services, signals
from reviews.models import FollowUp, SentimentFeedback
from tests.factories import BrandStaffFactory, CommunityManagerFactory, UserFactory, make_product
from tests.reviews.factories import write_review

pytestmark = pytest.mark.django_db

QUIETLY_UNHAPPY = "Pretty to look at. I went back to my old one after a week."


@pytest.fixture
def unflagged(site_tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        review = write_review(product=make_product(title="Kettle", sku="KET-1"), rating=4,
                              title="Nice", body=QUIETLY_UNHAPPY)
    review.refresh_from_db()
    assert not review.flagged_negative and not FollowUp.objects.exists()
    return review


def test_staff_mark_a_missed_negative_it_joins_the_queue_and_becomes_training_feedback(
        unflagged, django_capture_on_commit_callbacks):
    heard = []
    signals.review_flagged_negative.connect(lambda **kw: heard.append(kw["review_id"]), weak=False,
                                            dispatch_uid="test-missed")
    staff = BrandStaffFactory()
    with django_capture_on_commit_callbacks(execute=True):
        follow_up = services.mark_missed_negative(actor=staff, review_id=unflagged.pk)
    signals.review_flagged_negative.disconnect(dispatch_uid="test-missed")
    unflagged.refresh_from_db()
    assert unflagged.flagged_negative and follow_up.status == FollowUp.Status.OPEN
    assert follow_up.notes.get().body.startswith("Marked as negative by hand")
    feedback = SentimentFeedback.objects.get(review=unflagged)
    assert (feedback.negative, feedback.text, feedback.given_by) == (True, unflagged.text, staff)
    assert heard == [unflagged.pk]


def test_a_review_already_flagged_is_refused_with_the_reason(unflagged):
    services.mark_missed_negative(actor=CommunityManagerFactory(), review_id=unflagged.pk)
    with pytest.raises(Refusal, match="already in the follow-up queue"):
        services.mark_missed_negative(actor=BrandStaffFactory(), review_id=unflagged.pk)
    assert FollowUp.objects.count() == 1


def test_customers_cannot_mark_missed_negatives(unflagged):
    with pytest.raises(PermissionDenied):
        services.mark_missed_negative(actor=UserFactory(), review_id=unflagged.pk)
    assert not FollowUp.objects.exists() and not SentimentFeedback.objects.exists()


def test_the_button_is_on_unflagged_reviews_for_staff_only_and_leads_to_the_follow_up(client, unflagged):
    product_url = unflagged.product.url
    client.force_login(UserFactory())
    assert "Missed: this is negative" not in client.get(product_url).content.decode()
    client.force_login(BrandStaffFactory())
    assert "Missed: this is negative" in client.get(product_url).content.decode()
    response = client.post(f"/reviews/{unflagged.pk}/missed-negative/")
    follow_up = FollowUp.objects.get(review=unflagged)
    assert response["Location"] == f"/staff/follow-ups/{follow_up.pk}/"
    assert "Missed: this is negative" not in client.get(product_url).content.decode()
    again = client.post(f"/reviews/{unflagged.pk}/missed-negative/", follow=True)
    assert "already in the follow-up queue" in again.content.decode()


def test_the_author_of_a_flagged_review_reads_under_it_that_the_team_will_follow_up_and_why(
        client, site_tree):
    product = make_product(title="Kettle", sku="KET-9")
    author = UserFactory()
    one_star = write_review(author=author, product=product, rating=1, title="Broke",
                            body="It stopped heating after a week.")
    assert FollowUp.objects.filter(review=one_star).exists()
    client.force_login(author)
    html = client.get(product.url).content.decode()
    assert ("Our team will follow up on this review: reviews of 1 or 2 stars always get a "
            "personal follow-up.") in html
    client.force_login(UserFactory())
    assert "Our team will follow up" not in client.get(product.url).content.decode()


def test_a_flagged_review_with_good_stars_says_a_person_reads_it_first(client, unflagged):
    services.mark_missed_negative(actor=BrandStaffFactory(), review_id=unflagged.pk)
    client.force_login(unflagged.author)
    html = client.get(unflagged.product.url).content.decode()
    assert "our automatic reading of your text suggests something went wrong" in html
