"""The fine-tuned review model in the browser: a happy 5-star text opens no follow-up, a
5-star review that reports a breakage does, and staff see which clause drove it, the model's
score, and can teach the model that a flag was a false alarm."""

import pytest
from playwright.sync_api import expect

from community import encoder
from reviews import sentiment
from reviews.models import FollowUp, Review, SentimentFeedback
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, BrandStaffFactory, UserFactory, make_product

pytestmark = pytest.mark.skipif(not encoder.available(), reason="torch/transformers not installed")

BROKE = "Great design and it keeps heat well, but the lid cracked within a week and now it leaks."


def _review(page, *, title: str, body: str, stars: int) -> None:
    page.goto("/products/summit-flask/")
    page.get_by_role("link", name="Write a review").click()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Your review").fill(body)
    page.get_by_label(f"{stars} stars", exact=True).check()
    page.get_by_role("button", name="Publish review").click()
    expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()


def test_the_model_flags_a_breakage_not_praise_and_staff_see_why(new_page, live, settings):
    settings.HEARTH_SENTIMENT_BACKEND = "minilm"
    sentiment.reset_backend()
    sentiment.get_backend()  # loaded before the clock of the first page starts
    make_product(title="Summit Flask", sku="SUM-FLK-01", slug="summit-flask")
    UserFactory(username="ada")
    UserFactory(username="bo")
    BrandStaffFactory(username="sam")

    happy = new_page()
    log_in(happy, "ada", PASSWORD)
    _review(happy, title="Summit", body="Hot coffee at the summit.", stars=5)
    unhappy = new_page()
    log_in(unhappy, "bo", PASSWORD)
    _review(unhappy, title="Lid cracked", body=BROKE, stars=5)

    summit, cracked = Review.objects.get(title="Summit"), Review.objects.get(title="Lid cracked")
    assert summit.sentiment_model.startswith("minilm-tuned-") and not summit.flagged_negative
    assert cracked.flagged_negative

    staff = new_page()
    log_in(staff, "sam", PASSWORD)
    staff.goto("/staff/follow-ups/")
    expect(staff.get_by_role("link", name="Summit", exact=True)).to_have_count(0)
    staff.get_by_role("link", name="Lid cracked").click()
    expect(staff.get_by_text("Why this review was flagged")).to_be_visible()
    drivers = staff.locator("mark.sentiment-driver")
    expect(drivers.filter(has_text="the lid cracked within a week")).to_be_visible()
    expect(drivers.filter(has_text="Great design")).to_have_count(0)

    # A false alarm taught back: "Not negative" closes it and becomes training feedback.
    staff.get_by_label("Status").select_option("not_negative")
    staff.get_by_role("button", name="Update follow-up").click()
    expect(staff.get_by_text("Follow-up updated.")).to_be_visible()
    assert FollowUp.objects.get(review=cracked).status == FollowUp.Status.NOT_NEGATIVE
    assert SentimentFeedback.objects.filter(negative=False, text__contains="lid cracked").exists()
    assert happy.errors == [] and unhappy.errors == [] and staff.errors == []
    sentiment.reset_backend()
