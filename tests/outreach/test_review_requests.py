import datetime
import re

import pytest
from django.utils import timezone

from outreach import services
from outreach.emails import rating_token
from outreach.models import OutreachEmail, ReviewRequest
from reviews.services import save_review
from shop.models import Order
from tests.factories import UserFactory
from tests.outreach.factories import bought, consenting_member
from tests.parallel import errors_of, run_at_once

pytestmark = pytest.mark.django_db(transaction=False)

STAR_LINK = re.compile(r"https://community\.example/reviews/requested/[^/\s\"]+/")


def later(days: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


def test_a_purchase_14_days_old_brings_one_email_with_five_signed_star_links_and_unsubscribe_headers(
        smtp, kettle):
    ada = consenting_member(username="ada", email="ada@example.com")
    bought(ada, kettle)
    totals = services.run()
    assert totals["requested"] == 1
    [envelope], [message] = smtp.envelopes, smtp.messages
    assert envelope.rcpt_tos == ["ada@example.com"]
    assert message["Subject"] == "[Hearth] How are you finding your Ember Kettle?"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert re.fullmatch(r"<https://community\.example/notifications/unsubscribe/[^>]+/>",
                        message["List-Unsubscribe"].strip())
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert len(STAR_LINK.findall(text)) == 5 and len(set(STAR_LINK.findall(html))) == 5
    assert "whatever they think of them" in text  # everyone is asked alike
    assert ReviewRequest.objects.get().state == ReviewRequest.State.SENT


def test_running_the_job_twice_sends_nothing_more(smtp, kettle):
    bought(consenting_member(), kettle)
    services.run()
    assert services.run()["requested"] == 0
    assert len(smtp.envelopes) == 1
    assert ReviewRequest.objects.count() == 1


def test_nothing_is_asked_before_the_delay_nor_for_an_old_import_nor_a_refunded_order(smtp, products):
    member = consenting_member()
    bought(member, products[0], days_ago=13.9)
    bought(member, products[1], days_ago=14 + 31)
    bought(member, products[2], status=Order.Status.REFUNDED)
    assert services.run()["requested"] == 0
    assert smtp.envelopes == []
    assert ReviewRequest.objects.count() == 0


def test_a_member_without_marketing_consent_is_never_asked_and_the_request_says_why(smtp, kettle):
    bought(UserFactory(), kettle)
    services.run()
    assert smtp.envelopes == []
    request = ReviewRequest.objects.get()
    assert (request.state, request.skip_reason) == (ReviewRequest.State.SKIPPED, services.NO_CONSENT)


def test_one_email_asks_about_three_products_at_most(smtp, products):
    member = consenting_member()
    bought(member, *products)
    assert services.run()["requested"] == 3
    assert len(STAR_LINK.findall(smtp.messages[0].get_body(("plain",)).get_content())) == 15
    assert ReviewRequest.objects.filter(state=ReviewRequest.State.WAITING).count() == 1


def test_one_reminder_after_seven_days_and_none_for_a_product_reviewed_since(smtp, products):
    member = consenting_member()
    bought(member, products[0], products[1])
    services.run()
    save_review(author=member, product=products[1], rating=5, title="Lovely",
                body="Keeps coffee hot all day.")
    assert services.run(now=later(6.9))["reminded"] == 0
    assert services.run(now=later(7.1))["reminded"] == 1
    reminder = smtp.messages[-1]
    assert reminder["Subject"] == "[Hearth] A reminder: how are you finding your Ember Kettle?"
    assert services.run(now=later(30))["reminded"] == 0
    assert len(smtp.envelopes) == 2


def test_no_member_gets_more_than_five_such_emails_in_thirty_days(smtp, kettle):
    member = consenting_member()
    for days in range(5):
        OutreachEmail.objects.create(member=member, kind=OutreachEmail.Kind.REVIEW_REQUEST,
                                     sent_at=timezone.now() - datetime.timedelta(days=days))
    bought(member, kettle)
    services.run()
    assert smtp.envelopes == []
    assert ReviewRequest.objects.get().skip_reason == services.CAP_REACHED


def test_a_product_is_asked_about_once_a_year_however_often_it_is_bought(smtp, kettle):
    member = consenting_member()
    bought(member, kettle, days_ago=20)
    services.run()
    bought(member, kettle, days_ago=14.1)
    services.run()
    assert len(smtp.envelopes) == 1
    assert ReviewRequest.objects.get(state=ReviewRequest.State.SKIPPED).skip_reason == services.ASKED_RECENTLY


def test_a_product_already_reviewed_is_not_asked_about(smtp, kettle):
    member = consenting_member()
    save_review(author=member, product=kettle, rating=4, title="Good", body="Boils fast and quietly.")
    bought(member, kettle)
    services.run()
    assert smtp.envelopes == []
    assert ReviewRequest.objects.get().skip_reason == services.ALREADY_REVIEWED


def test_one_click_unsubscribe_stops_the_next_request(client, smtp, products):
    member = consenting_member()
    bought(member, products[0])
    services.run()
    unsubscribe = smtp.messages[0]["List-Unsubscribe"].strip().strip("<>").removeprefix("https://community.example")
    assert client.post(unsubscribe, {"List-Unsubscribe": "One-Click"}).status_code == 200
    bought(member, products[1])
    services.run()
    assert len(smtp.envelopes) == 1
    assert ReviewRequest.objects.get(product=products[1]).skip_reason == services.NO_CONSENT


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_moment_send_one_email(smtp, kettle):
    bought(consenting_member(), kettle)
    outcomes = run_at_once(lambda _: services.run(), 2)
    assert errors_of(outcomes) == []
    assert len(smtp.envelopes) == 1
    assert OutreachEmail.objects.count() == 1


def test_a_star_link_opens_the_review_form_with_the_stars_chosen(client, smtp, kettle,
                                                                  django_assert_num_queries):
    member = consenting_member()
    bought(member, kettle)
    services.run()
    link = STAR_LINK.findall(smtp.messages[0].get_body(("plain",)).get_content())[3]
    path = link.removeprefix("https://community.example")
    # Logged out: the login page first, which brings them back to the link.
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/reviews/requested/")
    client.force_login(member)
    with django_assert_num_queries(QUERIES_STAR_LINK):
        response = client.get(path)
    assert response["Location"] == f"/products/{kettle.slug}/review/?rating=4"
    form = client.get(response["Location"]).content.decode()
    assert re.search(r'<input[^>]*value="4"[^>]*checked', form)


# The member (login_required; sessions live in the cache), then the request with its product.
QUERIES_STAR_LINK = 2


def test_a_star_link_is_refused_to_anyone_else_and_when_altered(client, kettle):
    owner = consenting_member()
    bought(owner, kettle)
    services.plan_review_requests(now=timezone.now())
    request = ReviewRequest.objects.get()
    five_stars = f"/reviews/requested/{rating_token(request_id=request.pk, stars=5)}/"
    client.force_login(UserFactory())
    assert client.get(five_stars).status_code == 404
    client.force_login(owner)
    forged = rating_token(request_id=request.pk, stars=5)[:-2] + "xx"
    response = client.get(f"/reviews/requested/{forged}/")
    assert response.status_code == 404 and "This link does not work" in response.content.decode()
    nine_stars = f"/reviews/requested/{rating_token(request_id=request.pk, stars=9)}/"
    assert client.get(nine_stars).status_code == 404


def test_a_bad_rating_in_the_form_address_is_ignored(client, kettle):
    client.force_login(UserFactory())
    for value in ("0", "6", "abc", "4.5", ""):
        form = client.get(f"/products/{kettle.slug}/review/?rating={value}").content.decode()
        assert not re.search(r'<input[^>]*checked', form)


def test_a_send_that_fails_for_one_member_is_tried_again_and_stops_no_one_else(smtp, kettle, monkeypatch):
    from outreach import emails

    ada, bea = consenting_member(username="ada"), consenting_member(username="bea")
    bought(ada, kettle)
    bought(bea, kettle)
    real_send = emails.send_review_request

    def flaky(*, member, **kwargs):
        if member.username == "ada":
            raise ConnectionRefusedError("mail server down")
        real_send(member=member, **kwargs)

    monkeypatch.setattr(emails, "send_review_request", flaky)
    totals = services.run()
    assert (totals["requested"], totals["failed"]) == (1, 1)
    assert ReviewRequest.objects.get(member=ada).state == ReviewRequest.State.WAITING
    monkeypatch.setattr(emails, "send_review_request", real_send)
    assert services.run()["requested"] == 1
    assert sorted(e.rcpt_tos[0] for e in smtp.envelopes) == sorted([ada.email, bea.email])
