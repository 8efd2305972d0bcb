import json
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.factories import PASSWORD, UserFactory
from tests.forum.factories import make_topic
from tests.moderation.factories import at_level
from tests.webhooks.receiver import start_receiver
from webhooks.models import Delivery, Endpoint


@pytest.fixture
def receiver(settings):
    # The receiver listens on 127.0.0.1 over http: the SSRF guard is lifted for this test only.
    settings.HEARTH_WEBHOOKS_ALLOW_PRIVATE = True
    receiver = start_receiver()
    yield receiver
    receiver.close()


def test_staff_register_an_endpoint_a_reply_is_delivered_and_staff_redeliver_it(new_page, live, receiver):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    poster = at_level(UserFactory(username="pia", display_name="Pia Lund"), 2)
    topic = make_topic(author=at_level(UserFactory(username="bo"), 2), title="Descaling with citric acid")

    # Staff open the Django admin, log in on the site's log-in page it sends them to (the only
    # form that checks passwords), land back in the admin and register the shop's endpoint.
    staff = new_page()
    staff.goto("/django-admin/")
    expect(staff).to_have_url(re.compile(r"/accounts/login/\?next=/django-admin/"))
    staff.get_by_label("Username or email").fill("root")
    staff.get_by_label("Password").fill(PASSWORD)
    staff.get_by_role("button", name="Sign In").click()
    expect(staff).to_have_url(re.compile(r"/django-admin/$"))
    staff.get_by_role("link", name="Webhook endpoints").click()
    staff.get_by_role("link", name="Add webhook endpoint").click()
    staff.get_by_label("URL").fill(receiver.url)
    staff.get_by_label("Description").fill("Shop integration")
    staff.get_by_label("A post was published in the forum").check()
    staff.get_by_role("button", name="Save", exact=True).click()
    expect(staff.locator(".messagelist")).to_contain_text("was added successfully")
    endpoint = live.call(lambda: Endpoint.objects.get())
    assert endpoint.events == ["post.created"]
    # Its signing secret is on its page.
    staff.get_by_role("link", name="Shop integration").first.click()
    expect(staff.locator(".field-secret")).to_contain_text(endpoint.secret)
    # They check the receiver before relying on it: a test event, and its delivery's page.
    staff.get_by_role("button", name="Send a test event").click()
    expect(staff.locator(".messagelist")).to_contain_text("A test event is on its way to")
    expect(staff.locator(".field-event_type")).to_contain_text("A test event staff sent to the endpoint")
    expect(staff.locator(".field-state")).to_contain_text("Succeeded")
    expect(staff.locator("#attempt_log-group")).to_contain_text("200")
    assert json.loads(receiver.received[0].body)["type"] == "webhook.test"

    # A member replies on the site: the event reaches the receiver, signed.
    member = new_page()
    log_in(member, "pia", PASSWORD)
    member.goto(topic.get_absolute_url())
    member.get_by_label("Your reply").fill("Citric acid works well, rinse twice after.")
    member.get_by_role("button", name="Post reply").click()
    expect(member.locator("#post-2")).to_contain_text("Citric acid works well")
    assert len(receiver.received) == 2
    event = json.loads(receiver.received[1].body)
    assert event["type"] == "post.created" and event["data"]["post_number"] == 2
    assert event["data"]["author_id"] == poster.pk

    # Staff find the delivery in the log with status 200, open it and redeliver it.
    staff.goto("/django-admin/")
    staff.get_by_role("link", name="Deliveries").click()
    row = staff.locator("#result_list tbody tr").first
    expect(row).to_contain_text("post.created")
    expect(row.locator(".field-last_status_code")).to_have_text("200")
    row.locator("th a").click()
    expect(staff.locator(".field-state")).to_contain_text("Succeeded")
    expect(staff.locator("#attempt_log-group")).to_contain_text("200")
    staff.get_by_role("button", name="Redeliver").click()
    expect(staff.locator(".messagelist")).to_contain_text("1 delivery(ies) sent again.")
    expect(staff.locator(".field-attempts")).to_contain_text("2")
    assert len(receiver.received) == 3
    assert receiver.received[1].headers["webhook-id"] == receiver.received[2].headers["webhook-id"]
    assert live.call(lambda: Delivery.objects.get(event_type="post.created").attempts) == 2
    assert not staff.errors and not member.errors
