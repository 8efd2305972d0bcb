"""Reviews and brand replies in moderation: flags, the queue's actions, limits and spam."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from moderation.models import ModerationAction, QueueItem
from moderation.services import ActionRefused
from moderation.services.members import suspend_member
from moderation.services.queue import act_on_item
from reviews import services
from reviews.models import BrandReply, ProductRating, Review, ReviewHideRecord
from tests.factories import BrandStaffFactory, CommunityManagerFactory, UserFactory, make_product
from tests.moderation.factories import flag_profile as flag
from tests.moderation.factories import member_at
from tests.reviews.factories import write_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def product(site_tree):
    return make_product(title="Kettle", sku="KET-1", slug="kettle")


def _reply(review, body="Thanks for the review, glad you like it."):
    return services.reply_as_brand(staff=BrandStaffFactory(), review_id=review.pk, body=body, p_negative=0.0)


def _act(item, action, *, reason="", data=None):
    item.refresh_from_db()
    return act_on_item(actor=CommunityManagerFactory(), item_id=item.pk, action=action,
                       version=item.version, reason=reason, data=data)


def test_two_members_flagging_a_review_hide_it_pending_review_and_the_rating_follows(product):
    review = write_review(product=product, rating=4)
    flag(review, by=member_at(1))
    flag(review, by=member_at(1))
    review.refresh_from_db()
    assert review.hidden_at is not None and "flagged it" in review.hidden_reason
    assert ProductRating.objects.get(product=product).count == 0
    record = ReviewHideRecord.objects.get(review=review)
    assert record.actor is None and record.hidden


def test_a_manager_hides_a_flagged_review_from_the_queue_and_it_is_logged(product):
    review = write_review(product=product)
    flag(review, by=member_at(1))
    item = QueueItem.objects.get()
    _act(item, "hide", reason="Personal attack")
    review.refresh_from_db()
    assert review.hidden_reason == "Personal attack" and not review.is_visible
    assert ReviewHideRecord.objects.get(review=review).actor is not None
    assert ModerationAction.objects.filter(action=ModerationAction.Kind.HIDE, object_id=review.pk).exists()


def test_restoring_from_the_queue_shows_the_review_again(product):
    review = write_review(product=product)
    flag(review, by=member_at(1))
    flag(review, by=member_at(1))
    _act(QueueItem.objects.get(), "restore")
    review.refresh_from_db()
    assert review.is_visible
    assert ProductRating.objects.get(product=product).count == 1


def test_deleting_is_a_soft_delete_and_the_author_cannot_post_it_again(product):
    review = write_review(product=product)
    flag(review, by=member_at(1))
    _act(QueueItem.objects.get(), "delete", reason="Spam")
    review.refresh_from_db()
    assert review.deleted_at is not None and Review.objects.filter(pk=review.pk).exists()
    assert not Review.objects.visible().filter(pk=review.pk).exists()
    assert ProductRating.objects.get(product=product).count == 0
    with pytest.raises(ActionRefused, match="removed by a community manager"):
        write_review(author=review.author, product=product)


def test_a_manager_edits_a_review_from_the_queue_and_the_old_text_is_kept(product):
    review = write_review(product=product, title="Call 555-0100 now")
    flag(review, by=member_at(1))
    _act(QueueItem.objects.get(), "edit", data={"title": "Good kettle", "body": "Works well, boils fast."})
    review.refresh_from_db()
    assert (review.title, review.body) == ("Good kettle", "Works well, boils fast.")
    assert review.revisions.get().title == "Call 555-0100 now"
    assert review.text_version == 2


def test_a_hidden_brand_reply_disappears_from_the_product_page(client, product):
    review = write_review(product=product)
    reply = _reply(review, body="Thanks, we love hearing this.")
    flag(reply, by=member_at(1))
    _act(QueueItem.objects.get(), "hide", reason="Off-topic")
    assert BrandReply.objects.get(pk=reply.pk).hidden_at is not None
    html = client.get("/products/kettle/").content.decode()
    assert "Thanks, we love hearing this." not in html and review.title in html


def test_a_deleted_brand_reply_is_kept_but_not_shown(client, product):
    review = write_review(product=product)
    reply = _reply(review, body="Thanks, we love hearing this.")
    flag(reply, by=member_at(1))
    _act(QueueItem.objects.get(), "delete", reason="Wrong product")
    assert BrandReply.objects.get(pk=reply.pk).deleted_at is not None
    assert "Thanks, we love hearing this." not in client.get("/products/kettle/").content.decode()


def test_brand_staff_cannot_moderate_reviews(product):
    review = write_review(product=product)
    flag(review, by=member_at(1))
    item = QueueItem.objects.get()
    with pytest.raises(PermissionDenied):
        act_on_item(actor=BrandStaffFactory(), item_id=item.pk, action="hide", version=item.version,
                    reason="I don't like it")
    review.refresh_from_db()
    assert review.is_visible


def test_members_cannot_flag_their_own_review(product):
    review = write_review(product=product)
    with pytest.raises(ActionRefused, match="your own review"):
        flag(review, by=review.author)


def _suspend(user):
    suspend_member(actor=CommunityManagerFactory(), user=user, days=3, reason="Abuse")


def test_a_suspended_member_cannot_review_and_the_form_keeps_what_they_typed(client, product):
    author = UserFactory()
    _suspend(author)
    client.force_login(author)
    response = client.post(reverse("reviews:write", args=["kettle"]),
                           {"rating": 4, "title": "My title here", "body": "A body I typed with care."})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Your account is suspended until" in html
    assert "My title here" in html and "A body I typed with care." in html
    assert not Review.objects.exists()


def test_a_new_member_cannot_put_links_in_a_review(product):
    with pytest.raises(ActionRefused, match="links"):
        write_review(product=product, body="Buy it cheaper at https://example.com/kettle today")


def test_the_review_rate_limit_counts_new_reviews_not_edits(product, settings):
    settings.HEARTH_TRUST_RATE_LIMITS = {0: {"review": (1, 86400)}}
    author = UserFactory()
    write_review(author=author, product=product)
    write_review(author=author, product=product, title="Edited once")
    write_review(author=author, product=product, title="Edited twice")
    with pytest.raises(ActionRefused, match="limit"):
        write_review(author=author, product=make_product(title="Other", sku="OTH-1"))


def test_a_suspended_member_cannot_vote_helpful(client, product):
    review = write_review(product=product)
    voter = UserFactory()
    _suspend(voter)
    client.force_login(voter)
    response = client.post(reverse("reviews:helpful", args=[review.pk]), follow=True)
    assert "suspended" in response.content.decode()
    review.refresh_from_db()
    assert review.helpful_count == 0


def test_suspended_brand_staff_cannot_reply_and_the_form_keeps_the_reply(client, product):
    review = write_review(product=product)
    staff = BrandStaffFactory()
    _suspend(staff)
    client.force_login(staff)
    response = client.post(reverse("reviews:reply", args=[review.pk]), {"body": "We are on it, sorry!"})
    html = response.content.decode()
    assert "suspended" in html and "We are on it, sorry!" in html
    assert not BrandReply.objects.exists()


def test_a_helpful_vote_counts_as_a_like_for_trust_levels(product):
    from moderation.models import MemberTrust

    review = write_review(product=product)
    voter = UserFactory()
    services.mark_helpful(voter=voter, review_id=review.pk)
    assert MemberTrust.objects.get(user=voter).likes_given == 1
    assert MemberTrust.objects.get(user=review.author).likes_received == 1


def test_the_same_review_text_posted_repeatedly_is_flagged_as_spam(site_tree, settings):
    settings.HEARTH_TRUST_RATE_LIMITS = {}
    author = member_at(2)
    text = "Visit my shop for the best deals on kettles and more"
    for index in range(3):
        last = write_review(author=author, product=make_product(title=f"P{index}", sku=f"P-{index}"),
                            title="Great deals", body=text)
    item = QueueItem.objects.get()
    assert item.object_id == last.pk and item.flags.get().signal == "repeated_text"


def test_flag_buttons_show_on_others_reviews_and_replies_not_own_and_not_for_visitors(client, product):
    review = write_review(product=product)
    _reply(review)
    assert "Flag this review" not in client.get("/products/kettle/").content.decode()
    client.force_login(review.author)
    html = client.get("/products/kettle/").content.decode()
    assert "Flag this review" not in html and "Flag this brand reply" in html
    client.force_login(UserFactory())
    html = client.get("/products/kettle/").content.decode()
    assert "Flag this review" in html and "Flag this brand reply" in html


def test_a_member_flags_a_review_from_the_product_page(client, product):
    review = write_review(product=product)
    from django.contrib.contenttypes.models import ContentType

    client.force_login(UserFactory())
    url = reverse("moderation:flag", args=[ContentType.objects.get_for_model(Review).pk, review.pk])
    assert f'action="{url}"' in client.get("/products/kettle/").content.decode()
    client.post(url, {"reason": "abusive", "next": "/products/kettle/"})
    assert QueueItem.objects.get().object_id == review.pk


@pytest.mark.parametrize("rows", [1, 5])
def test_the_moderation_queue_query_count_does_not_grow_with_flagged_reviews(client, product, rows,
                                                                              django_assert_num_queries):
    for index in range(rows):
        review = write_review(product=product, title=f"Review {index}")
        flag(review, by=member_at(1))
        flag(_reply(review), by=member_at(1))
    client.force_login(CommunityManagerFactory())
    client.get("/moderation/")
    # As the queue's own test (8), plus one query per content type for the brand replies.
    with django_assert_num_queries(7):
        html = client.get("/moderation/").content.decode()
    assert html.count("Review by ") + html.count("review by ") >= rows
