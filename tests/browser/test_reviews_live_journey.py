"""Reviews under moderation and live: a customer flags a review and a community manager hides
it; a five-star review whose text is negative appears live in the staff follow-up queue, and
the product page shows new reviews, brand replies and helpful counts without a reload."""

from playwright.sync_api import expect

from reviews import sentiment, services
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, BrandStaffFactory, CommunityManagerFactory, UserFactory, make_product
from tests.reviews.factories import write_review


def test_a_customer_flags_a_review_and_a_community_manager_hides_it(new_page, live, settings):
    settings.HEARTH_SENTIMENT_BACKEND = "lexicon"
    sentiment.reset_backend()
    make_product(title="Trail Flask", sku="TRL-FLK-01", slug="trail-flask")
    from community.models import ProductPage

    product = ProductPage.objects.get(slug="trail-flask")
    author = UserFactory(username="rex")
    write_review(author=author, product=product, rating=4, title="Other reviewers are clowns",
                 body="Anyone who complains about this flask is too dim to screw a lid on.")
    UserFactory(username="cara")
    CommunityManagerFactory(username="maya")

    customer = new_page()
    log_in(customer, "cara", PASSWORD)
    customer.goto("/products/trail-flask/")
    review = customer.locator(".review").filter(has_text="Other reviewers are clowns")
    review.get_by_text("Flag this review").click()
    review.get_by_label("Abusive or harassing").check()
    review.get_by_role("button", name="Send flag").click()
    expect(customer.get_by_text("Thanks: the community managers will look at it.")).to_be_visible()

    # The author sees no flag button on their own review.
    own = new_page()
    log_in(own, "rex", PASSWORD)
    own.goto("/products/trail-flask/")
    expect(own.get_by_text("Flag this review")).to_have_count(0)

    # The customer's product page stays open and follows the decision live.
    customer.goto("/products/trail-flask/")
    expect(customer.locator("html")).to_have_attribute("data-livewsreviewsproducts", "open")

    manager = new_page()
    log_in(manager, "maya", PASSWORD)
    manager.goto("/moderation/")
    item = manager.locator(".queue-item").filter(has_text="Other reviewers are clowns")
    expect(item).to_contain_text("Review by")
    item.get_by_label("Reason for hiding").fill("Insulting other customers")
    item.get_by_role("button", name="Hide").click()
    expect(manager.get_by_text("Hidden. The author has been told why.")).to_be_visible()

    expect(customer.get_by_role("heading", name="Other reviewers are clowns")).to_have_count(0)
    visitor = new_page()
    visitor.goto("/products/trail-flask/")
    expect(visitor.get_by_text("Other reviewers are clowns")).to_have_count(0)
    manager.goto("/moderation/log/")
    expect(manager.get_by_text("Insulting other customers").first).to_be_visible()
    assert customer.errors == [] and manager.errors == [] and visitor.errors == []
    sentiment.reset_backend()


def test_a_five_star_negative_review_appears_live_in_the_follow_up_queue(new_page, live, settings):
    settings.HEARTH_SENTIMENT_BACKEND = "lexicon"
    sentiment.reset_backend()
    make_product(title="Camp Kettle", sku="CMP-KET-01", slug="camp-kettle")
    UserFactory(username="ines")
    voter = UserFactory(username="vera")
    BrandStaffFactory(username="sam")

    staff = new_page()
    log_in(staff, "sam", PASSWORD)
    staff.goto("/staff/follow-ups/")
    expect(staff.locator("html")).to_have_attribute("data-livewsreviewsfollowups", "open")
    shopper = new_page()
    shopper.goto("/products/camp-kettle/")
    expect(shopper.locator("html")).to_have_attribute("data-livewsreviewsproducts", "open")

    customer = new_page()
    log_in(customer, "ines", PASSWORD)
    customer.goto("/products/camp-kettle/review/")
    customer.get_by_label("5 stars").check()
    customer.get_by_label("Title").fill("Pretty, but a disaster")
    customer.get_by_label("Your review").fill(
        "Five stars for looks, but it broke after a week and leaks everywhere, terrible.")
    customer.get_by_role("button", name="Publish review").click()
    expect(customer.get_by_role("heading", name="Pretty, but a disaster")).to_be_visible()

    # Staff see it in their queue without reloading; the shopper sees the new review.
    expect(staff.get_by_role("link", name="Pretty, but a disaster")).to_be_visible()
    expect(shopper.get_by_role("heading", name="Pretty, but a disaster")).to_be_visible()

    # A brand reply and a helpful vote reach the shopper's open page too.
    staff.get_by_role("link", name="Pretty, but a disaster").click()
    staff.get_by_role("link", name="Reply publicly as the brand").click()
    staff.get_by_label("Public reply").fill("Thank you for telling us: a replacement is on its way.")
    staff.get_by_role("button", name="Publish reply").click()
    expect(shopper.get_by_text("a replacement is on its way")).to_be_visible()
    from reviews.models import Review

    review = Review.objects.get(title="Pretty, but a disaster")
    live.call(services.mark_helpful, voter=voter, review_id=review.pk)
    expect(shopper.locator(f"#review-{review.pk} [data-helpful-count]")).to_have_text("1")

    # Changing the follow-up updates another staff page that is open on the queue.
    staff.goto("/staff/follow-ups/")
    expect(staff.locator("html")).to_have_attribute("data-livewsreviewsfollowups", "open")
    from reviews.models import FollowUp

    follow_up = FollowUp.objects.get(review=review)
    expect(staff.locator(f"#follow-up-{follow_up.pk}")).to_contain_text("Open")
    live.call(services.update_follow_up, actor=BrandStaffFactory(username="lee"), follow_up_id=follow_up.pk,
              status=FollowUp.Status.IN_PROGRESS)
    expect(staff.locator(f"#follow-up-{follow_up.pk}")).to_contain_text("In progress")
    assert staff.errors == [] and shopper.errors == [] and customer.errors == []
    sentiment.reset_backend()
