from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from community.models import Notification
from reviews import services, signals
from reviews.models import (
    FollowUp,
    ProductRating,
    Review,
    ReviewAcknowledgement,
    ReviewHideRecord,
    SentimentFeedback,
)
from tests.factories import BrandStaffFactory, CommunityManagerFactory, UserFactory, make_product
from tests.reviews.factories import PurchaseRecordFactory, write_review

pytestmark = pytest.mark.django_db

HAPPY = "Works well and looks good on the counter, great kettle."
SAD = "It broke after a week and leaks everywhere, terrible."


@pytest.fixture
def product(site_tree):
    return make_product(title="Kettle", sku="KET-1")


def test_a_review_updates_the_rating_totals(product, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        write_review(product=product, rating=5, body=HAPPY)
        write_review(product=product, rating=3, body=HAPPY)
    rating = ProductRating.objects.get(product=product)
    assert (rating.count, rating.total, rating.stars_5, rating.stars_3) == (2, 8, 1, 1)
    assert rating.average == 4.0


def test_a_second_review_by_the_same_member_edits_the_first_and_keeps_history(product):
    alice = UserFactory()
    first = write_review(author=alice, product=product, rating=5, title="Great", body=HAPPY)
    second = write_review(author=alice, product=product, rating=2, title="Changed my mind", body=SAD)
    assert first.pk == second.pk
    assert Review.objects.count() == 1
    revision = second.revisions.get()
    assert (revision.rating, revision.title) == (5, "Great")
    rating = ProductRating.objects.get(product=product)
    assert (rating.count, rating.total, rating.stars_5, rating.stars_2) == (1, 2, 0, 1)


def test_an_edit_leaves_the_review_pending_until_scored_again(product):
    review = write_review(product=product, rating=4, body=HAPPY)
    review.refresh_from_db()
    assert review.sentiment == Review.Sentiment.PENDING
    assert review.text_version == 1


def test_a_review_without_a_title_or_body_is_refused(product):
    with pytest.raises(ValidationError) as exc:
        write_review(product=product, title=" ", body="short")
    assert set(exc.value.message_dict) == {"title", "body"}


def test_a_review_is_verified_when_a_purchase_matches_email_and_sku(product):
    buyer = UserFactory(email="Buyer@Example.com")
    PurchaseRecordFactory(email="buyer@example.com", sku="KET-1")
    assert write_review(author=buyer, product=product).verified_owner is True
    assert write_review(author=UserFactory(), product=product).verified_owner is False


def test_a_one_star_review_opens_a_follow_up_and_acknowledges_the_reviewer(
        product, django_capture_on_commit_callbacks):
    author = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        review = write_review(author=author, product=product, rating=1, body=SAD)
    follow_up = FollowUp.objects.get(review=review)
    assert follow_up.status == FollowUp.Status.OPEN
    assert follow_up.due_at - follow_up.opened_at == timedelta(hours=24)
    ack = Notification.objects.get(recipient=author, kind="reviews.acknowledgement")
    assert ack.message == ReviewAcknowledgement.load().message


def test_the_acknowledgement_can_be_switched_off(product):
    ReviewAcknowledgement.objects.update_or_create(pk=ReviewAcknowledgement.load().pk,
                                                   defaults={"enabled": False})
    write_review(product=product, rating=1, body=SAD)
    assert not Notification.objects.filter(kind="reviews.acknowledgement").exists()


def test_a_five_star_review_with_negative_text_is_flagged(product, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        review = write_review(product=product, rating=5, title="Five stars",
                              body="Broke after a week, terrible and useless.")
    review.refresh_from_db()
    assert review.sentiment == Review.Sentiment.SCORED
    assert review.flagged_negative
    assert FollowUp.objects.filter(review=review).exists()


def test_a_five_star_review_whose_text_only_leans_negative_is_not_flagged(product):
    """"Hot coffee at the summit" scored 0.62: the stars outweigh a hesitant text."""
    review = write_review(product=product, rating=5, title="Summit", body="Hot coffee at the summit.")
    services.apply_score(review_id=review.pk, text_version=review.text_version, p_negative=0.62,
                         backend="x")
    review.refresh_from_db()
    assert not review.flagged_negative and not FollowUp.objects.exists()


def test_a_low_star_review_with_a_happy_text_is_followed_up_but_its_author_not_acknowledged(product):
    """Stars and text disagree (a mis-click?): staff look, but no apology goes out."""
    review = write_review(product=product, rating=1, body=HAPPY)
    services.apply_score(review_id=review.pk, text_version=review.text_version, p_negative=0.1,
                         backend="x")
    assert FollowUp.objects.filter(review=review).exists()
    assert not Notification.objects.filter(kind="reviews.acknowledgement").exists()


def test_a_three_star_review_is_acknowledged_only_when_its_text_is_clearly_negative(product):
    hesitant = write_review(product=product, rating=3, body=SAD)
    services.apply_score(review_id=hesitant.pk, text_version=hesitant.text_version,
                         p_negative=0.6, backend="x")
    assert FollowUp.objects.filter(review=hesitant).exists()
    assert not Notification.objects.filter(kind="reviews.acknowledgement").exists()
    clear = write_review(author=UserFactory(), product=product, rating=3, body=SAD)
    services.apply_score(review_id=clear.pk, text_version=clear.text_version,
                         p_negative=0.9, backend="x")
    assert Notification.objects.filter(kind="reviews.acknowledgement").count() == 1


def test_a_happy_review_opens_no_follow_up(product, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        review = write_review(product=product, rating=5, body=HAPPY)
    review.refresh_from_db()
    assert review.sentiment == Review.Sentiment.SCORED and not review.flagged_negative
    assert not FollowUp.objects.exists()


def test_scoring_twice_opens_one_follow_up_and_one_acknowledgement(product):
    review = write_review(product=product, rating=1, body=SAD)
    services.score_reviews(review_ids=[review.pk])
    services.score_reviews(review_ids=[review.pk])
    assert FollowUp.objects.filter(review=review).count() == 1
    assert Notification.objects.filter(kind="reviews.acknowledgement").count() == 1


def test_a_score_for_an_older_text_is_dropped(product):
    review = write_review(product=product, rating=4, body=HAPPY)
    assert services.apply_score(review_id=review.pk, text_version=0, p_negative=0.99, backend="x") is False
    review.refresh_from_db()
    assert review.sentiment == Review.Sentiment.PENDING


def test_reviews_stay_pending_when_the_model_cannot_load_and_the_sweep_scores_them_later(
        product, settings, django_capture_on_commit_callbacks):
    from reviews import sentiment

    settings.HEARTH_SENTIMENT_BACKEND = "minilm"
    settings.HEARTH_SENTIMENT_HEAD = "/nonexistent/head.npz"
    sentiment.reset_backend()
    with django_capture_on_commit_callbacks(execute=True):
        review = write_review(product=product, rating=5, body="Broke after a week, terrible and useless.")
    review.refresh_from_db()
    assert review.sentiment == Review.Sentiment.PENDING
    assert Review.objects.filter(pk=review.pk).exists()

    settings.HEARTH_SENTIMENT_BACKEND = "lexicon"
    sentiment.reset_backend()
    services.sweep_pending_reviews()
    review.refresh_from_db()
    assert review.sentiment == Review.Sentiment.SCORED
    assert review.flagged_negative


def test_signals_are_sent_after_commit(product, django_capture_on_commit_callbacks):
    received = []

    def listener(signal, **payload):
        received.append((signal, payload))

    for signal in (signals.review_published, signals.review_edited, signals.review_flagged_negative):
        signal.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            review = write_review(product=product, rating=1, body=SAD)
        assert received == []
        for callback in callbacks:
            callback()
    finally:
        for signal in (signals.review_published, signals.review_edited, signals.review_flagged_negative):
            signal.disconnect(listener)
    sent = {s for s, _ in received}
    assert signals.review_published in sent and signals.review_flagged_negative in sent
    published = next(p for s, p in received if s is signals.review_published)
    assert published["review_id"] == review.pk and published["rating"] == 1


def test_a_helpful_vote_counts_once(product):
    review = write_review(product=product)
    voter = UserFactory()
    assert services.mark_helpful(voter=voter, review_id=review.pk) is True
    assert services.mark_helpful(voter=voter, review_id=review.pk) is False
    review.refresh_from_db()
    assert review.helpful_count == 1


def test_a_helpful_vote_on_your_own_review_is_refused(product):
    review = write_review(product=product)
    with pytest.raises(PermissionDenied):
        services.mark_helpful(voter=review.author, review_id=review.pk)


def test_brand_staff_reply_once_and_the_reviewer_is_notified(product):
    review = write_review(product=product, rating=1, body=SAD)
    staff = BrandStaffFactory()
    reply = services.reply_as_brand(staff=staff, review_id=review.pk,
                                    body="Thank you, we are sorry. We will send a replacement.",
                                    p_negative=0.1)
    again = services.reply_as_brand(staff=staff, review_id=review.pk, body="Updated: replacement sent.",
                                    p_negative=0.1)
    assert reply.pk == again.pk and again.body == "Updated: replacement sent."
    assert Notification.objects.filter(recipient=review.author, kind="reviews.brand_reply").count() == 1
    assert FollowUp.objects.get(review=review).first_reply_at is not None


def test_a_negative_brand_reply_needs_confirmation(product):
    review = write_review(product=product)
    staff = BrandStaffFactory()
    with pytest.raises(services.ReplyNeedsConfirmation):
        services.reply_as_brand(staff=staff, review_id=review.pk, body="Your review is useless and wrong.")
    reply = services.reply_as_brand(staff=staff, review_id=review.pk,
                                    body="Your review is useless and wrong.", confirmed=True)
    assert reply.warning_overridden


def test_customers_cannot_reply_as_the_brand(product):
    review = write_review(product=product)
    with pytest.raises(PermissionDenied):
        services.reply_as_brand(staff=UserFactory(), review_id=review.pk, body="Hi", p_negative=0.0)


def test_brand_staff_cannot_hide_reviews(product):
    review = write_review(product=product, rating=1, body=SAD)
    with pytest.raises(PermissionDenied):
        services.hide_review(actor=BrandStaffFactory(), review_id=review.pk, reason="negative")


def test_a_community_manager_hides_a_review_and_it_is_logged(product):
    review = write_review(product=product, rating=2, body=SAD)
    manager = CommunityManagerFactory()
    services.hide_review(actor=manager, review_id=review.pk, reason="Personal attack")
    review.refresh_from_db()
    assert review.hidden_at and review.hidden_by == manager
    assert ReviewHideRecord.objects.get(review=review).reason == "Personal attack"
    assert ProductRating.objects.get(product=product).count == 0


def _follow_up(product):
    return FollowUp.objects.get(review=write_review(product=product, rating=1, body=SAD))


def test_a_follow_up_moves_through_its_states(product):
    follow_up = _follow_up(product)
    staff = BrandStaffFactory()
    services.update_follow_up(actor=staff, follow_up_id=follow_up.pk, status="in_progress", assignee=staff)
    services.update_follow_up(actor=staff, follow_up_id=follow_up.pk, status="waiting_on_customer")
    done = services.update_follow_up(actor=staff, follow_up_id=follow_up.pk, status="resolved",
                                     note="Replacement delivered.")
    assert done.status == "resolved" and done.closed_at is not None and done.assignee == staff
    assert done.notes.get().body == "Replacement delivered."


def test_a_resolved_follow_up_cannot_jump_back_to_waiting(product):
    follow_up = _follow_up(product)
    staff = BrandStaffFactory()
    services.update_follow_up(actor=staff, follow_up_id=follow_up.pk, status="resolved")
    with pytest.raises(ValidationError):
        services.update_follow_up(actor=staff, follow_up_id=follow_up.pk, status="waiting_on_customer")


def test_customers_cannot_work_follow_ups(product):
    follow_up = _follow_up(product)
    with pytest.raises(PermissionDenied):
        services.update_follow_up(actor=follow_up.review.author, follow_up_id=follow_up.pk, status="resolved")


def test_follow_ups_cannot_be_assigned_to_customers(product):
    follow_up = _follow_up(product)
    with pytest.raises(ValidationError):
        services.update_follow_up(actor=BrandStaffFactory(), follow_up_id=follow_up.pk,
                                  assignee=UserFactory())


def test_marking_not_negative_records_feedback_for_training(product):
    from reviews.selectors import feedback_examples

    follow_up = _follow_up(product)
    services.update_follow_up(actor=BrandStaffFactory(), follow_up_id=follow_up.pk, status="not_negative")
    feedback = SentimentFeedback.objects.get()
    assert feedback.negative is False and "broke" in feedback.text
    assert feedback_examples()[0].negative is False


def test_resolving_sends_followup_resolved(product, django_capture_on_commit_callbacks):
    received = []
    signals.followup_resolved.connect(lambda signal, **p: received.append(p), weak=False,
                                      dispatch_uid="test-resolved")
    try:
        follow_up = _follow_up(product)
        with django_capture_on_commit_callbacks(execute=True):
            services.update_follow_up(actor=BrandStaffFactory(), follow_up_id=follow_up.pk,
                                      status="resolved")
    finally:
        signals.followup_resolved.disconnect(dispatch_uid="test-resolved")
    assert received[0]["follow_up_id"] == follow_up.pk and received[0]["status"] == "resolved"


def test_overdue_follow_ups_escalate_to_managers_once(product):
    manager = CommunityManagerFactory()
    follow_up = _follow_up(product)
    FollowUp.objects.filter(pk=follow_up.pk).update(due_at=timezone.now() - timedelta(hours=1))
    assert services.escalate_overdue_follow_ups() == 1
    assert services.escalate_overdue_follow_ups() == 0
    assert Notification.objects.filter(recipient=manager, kind="reviews.follow_up_overdue").count() == 1


def test_follow_ups_not_yet_due_do_not_escalate(product):
    CommunityManagerFactory()
    _follow_up(product)
    assert services.escalate_overdue_follow_ups() == 0


def test_the_rating_recomputer_repairs_drift(product):
    write_review(product=product, rating=4)
    ProductRating.objects.filter(product=product).update(count=9, total=1)
    assert services.recompute_product_ratings() == 1
    rating = ProductRating.objects.get(product=product)
    assert (rating.count, rating.total) == (1, 4)


def test_purchase_rows_are_validated_one_by_one(db):
    stored, rejected = services.import_purchase_rows([
        {"email": "a@example.com", "sku": "KET-1"},
        {"email": "not-an-email", "sku": "KET-1"},
        {"email": "b@example.com", "sku": ""},
        {"email": "a@example.com", "sku": "KET-1"},
        {"email": "c@example.com", "sku": "KET-1", "purchased_on": "yesterday"},
    ])
    assert stored == 1
    assert [line for line, _ in rejected] == [3, 4, 5, 6]
