import pytest
from django.core import mail

from community import notification_kinds
from community.notification_kinds import ACCOUNT, MARKETING, register_kind
from community.services.notifications import notify, notify_many, wants_email
from community.tasks import send_notification_email
from privacy import selectors
from privacy.models import Consent
from privacy.purposes import MARKETING_EMAIL, PURPOSES
from privacy.services.consents import record_consent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db



@pytest.fixture(autouse=True)
def test_kinds(monkeypatch):
    """Two kinds of this module's own, registered only while its tests run: the registry is
    global, and other modules walk every registered kind."""
    monkeypatch.setattr(notification_kinds, "_KINDS", dict(notification_kinds._KINDS))
    register_kind("test.offers", "Test offers (marketing)", email_by_default=True, basis=MARKETING)
    register_kind("test.account", "Test account mail", basis=ACCOUNT)


def grant(member, source=Consent.Source.PRIVACY_PAGE):
    return record_consent(user=member, purpose=MARKETING_EMAIL, granted=True, source=source)


def withdraw(member):
    return record_consent(user=member, purpose=MARKETING_EMAIL, granted=False,
                          source=Consent.Source.PRIVACY_PAGE)


def test_each_answer_is_a_new_row_with_time_source_and_wording_version():
    member = UserFactory()
    given = grant(member, source=Consent.Source.SIGNUP)
    taken_back = withdraw(member)
    history = list(Consent.objects.filter(user=member).order_by("recorded_at", "id"))
    assert history == [given, taken_back]
    assert [(c.granted, c.source) for c in history] == [(True, "signup"), (False, "privacy_page")]
    assert all(c.wording_version == PURPOSES[MARKETING_EMAIL].current_version for c in history)
    assert history[0].recorded_at <= history[1].recorded_at


def test_a_recorded_consent_is_never_rewritten():
    consent = grant(UserFactory())
    consent.granted = False
    with pytest.raises(ValueError, match="append-only"):
        consent.save()


def test_repeating_the_current_answer_records_nothing():
    member = UserFactory()
    assert withdraw(member) is None  # never given: nothing to withdraw
    assert grant(member) is not None
    assert grant(member) is None
    assert Consent.objects.filter(user=member).count() == 1


def test_unknown_purposes_sources_and_wordings_are_refused():
    from community.refusals import Invalid

    member = UserFactory()
    with pytest.raises(Invalid):
        record_consent(user=member, purpose="sell_my_data", granted=True, source="signup")
    with pytest.raises(Invalid):
        record_consent(user=member, purpose=MARKETING_EMAIL, granted=True, source="guess")
    with pytest.raises(Invalid):
        record_consent(user=member, purpose=MARKETING_EMAIL, granted=True, source="signup",
                       wording_version="1999")
    assert not Consent.objects.exists()


def test_the_current_consent_is_the_latest_answer():
    member, other = UserFactory(), UserFactory()
    assert not selectors.has_marketing_consent(member.pk)
    grant(member)
    grant(other)
    assert selectors.has_marketing_consent(member.pk)
    withdraw(member)
    assert not selectors.has_marketing_consent(member.pk)
    assert selectors.marketing_consented([member.pk, other.pk]) == {other.pk}


def test_marketing_email_goes_only_to_members_with_a_current_consent(
        django_capture_on_commit_callbacks):
    never, granted, withdrawn = UserFactory(), UserFactory(), UserFactory()
    grant(granted)
    grant(withdrawn)
    withdraw(withdrawn)
    with django_capture_on_commit_callbacks(execute=True):
        for member in (never, granted, withdrawn):
            notify(recipient=member, kind="test.offers", message="Ten percent off kettles")
    assert [m.to for m in mail.outbox] == [[granted.email]]
    assert mail.outbox[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail.outbox[0].extra_headers["List-Unsubscribe"].startswith("<http")


def test_marketing_email_in_a_batch_goes_only_to_consenting_members(
        django_capture_on_commit_callbacks):
    never, granted = UserFactory(), UserFactory()
    grant(granted)
    with django_capture_on_commit_callbacks(execute=True):
        notify_many([{"recipient": m, "kind": "test.offers", "message": "Digest"}
                     for m in (never, granted)])
    assert [m.to for m in mail.outbox] == [[granted.email]]


def test_a_consent_withdrawn_before_the_send_stops_the_email():
    member = UserFactory()
    grant(member)
    notification = notify(recipient=member, kind="test.offers", message="Offer")  # not committed
    withdraw(member)
    assert send_notification_email.apply(args=[notification.pk]).get() is False
    assert mail.outbox == []


def test_a_member_who_consented_may_still_turn_one_marketing_kind_off():
    from community.services.notifications import set_email_preferences

    member = UserFactory()
    grant(member)
    assert wants_email(user=member, kind="test.offers")
    set_email_preferences(user=member, email_kinds={"test.offers": False})
    assert not wants_email(user=member, kind="test.offers")


def test_community_notifications_and_account_mail_do_not_need_marketing_consent(
        django_capture_on_commit_callbacks):
    from community.services.notifications import set_email_preferences

    member = UserFactory()
    set_email_preferences(user=member, email_kinds={"test.account": False})
    assert wants_email(user=member, kind="forum.reply")  # emailed by default, as before
    assert wants_email(user=member, kind="test.account")  # account mail cannot be turned off
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=member, kind="test.account", message="Your export is ready")
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert "List-Unsubscribe" not in mail.outbox[0].extra_headers


def test_without_a_consent_source_no_marketing_email_is_sent():
    from community import consents

    member = UserFactory()
    grant(member)
    registered = consents._source
    consents.register(None)
    try:
        assert not wants_email(user=member, kind="test.offers")
    finally:
        consents.register(registered)


def test_account_mail_is_not_offered_among_the_email_preferences(client):
    member = UserFactory()
    client.force_login(member)
    html = client.get("/settings/notifications/").content.decode()
    assert "Test account mail" not in html
    assert "Your data export is ready" not in html
    assert "Test offers (marketing)" in html
    assert "sent only while you agree to marketing email" in html
