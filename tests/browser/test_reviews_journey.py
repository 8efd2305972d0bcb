from playwright.sync_api import expect

from community.models import Notification
from reviews import sentiment
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, BrandStaffFactory, UserFactory, make_product
from tests.reviews.factories import write_review


def test_a_one_star_review_is_followed_up_answered_live_and_resolved(new_page, live,
                                                                    settings):
    settings.HEARTH_SENTIMENT_BACKEND = "lexicon"
    sentiment.reset_backend()
    make_product(title="Trail Flask", sku="TRL-FLK-01", slug="trail-flask")
    UserFactory(username="ines")
    BrandStaffFactory(username="sam")

    customer = new_page()
    log_in(customer, "ines", PASSWORD)
    customer.goto("/products/trail-flask/")
    customer.get_by_role("link", name="Write a review").click()

    # A mistake first: no rating chosen; what was typed stays.
    customer.get_by_label("Title").fill("Leaks in my bag")
    customer.get_by_label("Your review").fill("The lid leaked on the first day and soaked my bag.")
    customer.get_by_role("button", name="Publish review").click()
    expect(customer.get_by_text("Choose a rating from 1 to 5 stars.")).to_be_visible()
    expect(customer.get_by_label("Title")).to_have_value("Leaks in my bag")

    customer.get_by_label("1 star", exact=True).check()
    customer.get_by_role("button", name="Publish review").click()
    expect(customer.get_by_role("heading", name="Leaks in my bag")).to_be_visible()
    # The brand's acknowledgement arrives at once (a first-review badge may arrive with it).
    expect(customer.locator("#notification-count")).to_be_visible()
    assert Notification.objects.filter(recipient__username="ines", kind="reviews.acknowledgement").exists()
    unread = int(customer.locator("#notification-count").inner_text())

    # The review lands in the brand staff's follow-up queue.
    staff = new_page()
    log_in(staff, "sam", PASSWORD)
    staff.goto("/staff/follow-ups/")
    staff.get_by_role("link", name="Leaks in my bag").click()
    expect(staff.get_by_role("heading", name="Follow-up: Leaks in my bag")).to_be_visible()

    # Staff reply publicly; the customer's open page hears about it without a reload.
    expect(customer.locator("html")).to_have_attribute("data-livewsnotifications", "open")
    staff.get_by_role("link", name="Reply publicly as the brand").click()
    staff.get_by_label("Public reply").fill(
        "Thank you for telling us. We are sending a new lid today and are glad to help.")
    staff.get_by_role("button", name="Publish reply").click()
    expect(staff.get_by_text("Brand staff").first).to_be_visible()
    expect(customer.locator("#notification-count")).to_have_text(str(unread + 1))
    expect(customer.locator("#toasts")).to_contain_text("The brand replied to your review")

    # Staff resolve the follow-up; the dashboard reflects it.
    staff.goto("/staff/follow-ups/")
    staff.get_by_role("link", name="Leaks in my bag").click()
    staff.get_by_label("Status").select_option("resolved")
    staff.get_by_label("Internal note (never shown publicly)").fill("New lid shipped.")
    staff.get_by_role("button", name="Update follow-up").click()
    expect(staff.get_by_text("Follow-up updated.")).to_be_visible()
    staff.goto("/staff/reviews/dashboard/")
    expect(staff.locator("#stat-open")).to_have_text("0")
    expect(staff.locator("#stat-resolution")).to_have_text("100%")
    customer.goto("/products/trail-flask/")
    expect(customer.get_by_text("New lid shipped.")).to_have_count(0)
    assert customer.errors == [] and staff.errors == []
    sentiment.reset_backend()


def test_brand_staff_put_a_review_the_model_missed_in_the_follow_up_queue(new_page, live, settings):
    settings.HEARTH_SENTIMENT_BACKEND = "lexicon"
    sentiment.reset_backend()
    product = make_product(title="Summit Flask", sku="SUM-FLK-01", slug="summit-flask")
    write_review(product=product, rating=4, title="Pretty enough",
                 body="Pretty to look at. I went back to my old one after a week.")
    BrandStaffFactory(username="sam")

    staff = new_page()
    log_in(staff, "sam", PASSWORD)
    staff.goto("/products/summit-flask/")
    staff.get_by_role("button", name="Missed: this is negative").click()
    expect(staff.get_by_role("heading", name="Follow-up: Pretty enough")).to_be_visible()
    expect(staff.get_by_text("the model will learn from it")).to_be_visible()
    expect(staff.get_by_text("Marked as negative by hand")).to_be_visible()
    staff.goto("/products/summit-flask/")
    expect(staff.get_by_role("button", name="Missed: this is negative")).to_have_count(0)
    assert staff.errors == []
    sentiment.reset_backend()
