import datetime
import re

from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from community.models import User
from outreach import services as outreach
from privacy.models import Consent
from privacy.purposes import MARKETING_EMAIL
from privacy.services.consents import record_consent
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, UserFactory
from tests.forum.factories import CategoryFactory, make_reply, make_topic

TOPIC_PATH = re.compile(r"https?://[^/\s]+(/forum/t/\d+-[^/\s]+/)")


def test_a_member_away_for_a_week_gets_a_digest_whose_link_opens_the_topic_and_sets_how_often(
        new_page, live, moderation_relaxed):
    start = timezone.now()
    ada = UserFactory(username="ada", email="ada@example.com", display_name="Ada Byron")
    record_consent(user=ada, purpose=MARKETING_EMAIL, granted=True, source=Consent.Source.SIGNUP)
    User.objects.filter(pk=ada.pk).update(last_login=start - datetime.timedelta(days=1))
    kitchen = CategoryFactory(name="Kitchen", slug="kitchen")
    topic = make_topic(author=ada, category=kitchen, title="Which descaler works best?")
    make_reply(topic, author=UserFactory(username="bea"), body="Citric acid, every time.")

    # Seen yesterday: nothing this week. A week on, without a visit, the hourly job sends it.
    assert live.call(outreach.run_digests, now=start)["sent"] == 0
    week_on = start + datetime.timedelta(days=7)
    assert live.call(outreach.run_digests, now=week_on)["sent"] == 1
    [message] = [m for m in mail.outbox if m.to == ["ada@example.com"] and "Your week" in m.subject]
    assert "Because you started “Which descaler works best?”." in message.body
    topic_path = TOPIC_PATH.findall(message.body)[0]
    assert topic_path in message.alternatives[0][0]
    # Running it again sends nothing more.
    assert live.call(outreach.run_digests, now=week_on)["sent"] == 0

    # Signed in, the link from the email opens the topic with the reply she missed.
    page = new_page()
    log_in(page, "ada", PASSWORD)
    page.goto(topic_path)
    expect(page.get_by_role("heading", name="Which descaler works best?")).to_be_visible()
    expect(page.get_by_text("Citric acid, every time.")).to_be_visible()

    # She wants it monthly instead; the choice sticks.
    page.goto("/settings/notifications/")
    how_often = page.get_by_label("The activity digest: how often")
    expect(how_often).to_have_value("weekly")
    how_often.select_option(label="Monthly")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your email preferences are saved.")).to_be_visible()
    page.reload()
    expect(page.get_by_label("The activity digest: how often")).to_have_value("monthly")
    ada.refresh_from_db()
    assert ada.digest_frequency == "monthly"
    assert page.errors == []
