import datetime
import re

from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from outreach import services as outreach
from privacy.models import Consent
from privacy.purposes import MARKETING_EMAIL
from privacy.services.consents import record_consent
from reviews import sentiment
from reviews.models import Review
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, UserFactory, make_product

STAR_PATH = re.compile(r"https?://[^/\s]+(/reviews/requested/[^/\s]+/)")


def test_an_imported_order_brings_a_review_request_whose_four_stars_open_the_form_and_publish(
        new_page, live, tmp_path, settings):  # noqa: PLR0915 - one journey, told in order
    # The lexicon scores at once; the encoder's first load would take the publish past the
    # browser's patience on a busy machine (the model is tested in tests/reviews).
    settings.HEARTH_SENTIMENT_BACKEND = "lexicon"
    sentiment.reset_backend()
    kettle = make_product(title="Ember Kettle", sku="KET-100", slug="ember-kettle")
    ada = UserFactory(username="ada", email="ada@example.com", display_name="Ada Byron")
    record_consent(user=ada, purpose=MARKETING_EMAIL, granted=True, source=Consent.Source.SIGNUP)
    paid = (timezone.now() - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    orders = tmp_path / "orders.csv"
    orders.write_text("order_id,email,customer_id,currency,total,paid_at,sku,quantity,amount\n"
                      f"9001,ada@example.com,cust-1,EUR,49.90,{paid},KET-100,1,49.90\n")
    call_command("import_orders", str(orders), verbosity=0)

    # Nothing yet; the clock moves on two weeks and the hourly job runs.
    assert live.call(outreach.run)["requested"] == 0
    two_weeks_on = timezone.now() + datetime.timedelta(days=14)
    assert live.call(outreach.run, now=two_weeks_on)["requested"] == 1
    [message] = [m for m in mail.outbox if m.to == ["ada@example.com"] and "Ember Kettle" in m.subject]
    html = message.alternatives[0][0]
    four_stars = STAR_PATH.findall(message.body)[3]
    assert four_stars in html

    # Signed in, the home page says the same, with the reason.
    home = new_page()
    log_in(home, "ada", PASSWORD)
    home.goto("/")
    to_review = home.get_by_role("region", name="How are your purchases working out?")
    expect(to_review.get_by_role("link", name="Ember Kettle")).to_be_visible()
    expect(to_review).to_contain_text("and have not reviewed it yet.")

    # Logged out, the link goes through the login page to the form, four stars chosen.
    page = new_page()
    page.goto(four_stars)
    page.get_by_label("Username or email").fill("ada")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Review Ember Kettle")).to_be_visible()
    expect(page.get_by_label("4 stars", exact=True)).to_be_checked()
    page.get_by_label("Title").fill("Quick and quiet")
    page.get_by_label("Your review").fill("Boils a litre in three minutes and hardly makes a sound.")
    page.get_by_role("button", name="Publish review").click()
    expect(page.get_by_text("Thanks: your review is published.")).to_be_visible()
    expect(page.get_by_role("heading", name="Quick and quiet")).to_be_visible()
    assert Review.objects.get(author=ada, product=kettle).rating == 4
    home.goto("/")
    expect(to_review).to_have_count(0)

    # Reviewed: no reminder a week later.
    assert live.call(outreach.run, now=two_weeks_on + datetime.timedelta(days=8))["reminded"] == 0
    assert page.errors == []
    sentiment.reset_backend()
