import threading

import pytest
from channels.layers import get_channel_layer
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.core import mail
from django.db import connection

from community import notification_kinds
from community.models import Notification, NotificationPreference, User
from community.notification_kinds import register_kind
from community.services import notifications as services
from community.tasks import send_notification_email, unsubscribe_token
from config.routing import websocket_urlpatterns
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def test_kind(monkeypatch):
    """A kind of this module's own, registered only while its tests run (the registry is
    global, and other modules walk every registered kind)."""
    monkeypatch.setattr(notification_kinds, "_KINDS", dict(notification_kinds._KINDS))
    register_kind("test.emailed", "Test kind emailed by default", email_by_default=True)


@pytest.mark.django_db
def test_notify_creates_the_notification_and_bumps_the_unread_count():
    member = UserFactory()
    services.notify(recipient=member, kind="community.welcome", message="Hello", url="/")
    member.refresh_from_db()
    assert member.unread_notification_count == 1
    assert Notification.objects.get(recipient=member).message == "Hello"


@pytest.mark.django_db
def test_notify_with_the_same_dedupe_key_notifies_once():
    member = UserFactory()
    first = services.notify(recipient=member, kind="community.welcome", message="Hi", dedupe_key="k1")
    second = services.notify(recipient=member, kind="community.welcome", message="Hi", dedupe_key="k1")
    assert first is not None and second is None
    member.refresh_from_db()
    assert member.unread_notification_count == 1
    assert Notification.objects.filter(recipient=member).count() == 1


@pytest.mark.django_db(transaction=True)
def test_email_follows_the_kind_default_and_the_members_preference():
    member = UserFactory()
    services.notify(recipient=member, kind="test.emailed", message="Emailed")
    services.notify(recipient=member, kind="community.welcome", message="Not emailed")
    assert [m.subject for m in mail.outbox] == ["[Hearth] Emailed"]
    assert "List-Unsubscribe" in mail.outbox[0].extra_headers
    NotificationPreference.objects.create(user=member, kind="test.emailed", email=False)
    services.notify(recipient=member, kind="test.emailed", message="Emailed again")
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_the_email_task_sends_once_even_when_run_twice():
    member = UserFactory()
    notification = services.notify(recipient=member, kind="test.emailed", message="Once")
    assert send_notification_email.apply(args=[notification.pk]).result is False
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_nothing_is_emailed_when_the_transaction_rolls_back():
    from django.db import transaction

    member = UserFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.notify(recipient=member, kind="test.emailed", message="Never")
        raise RuntimeError
    assert mail.outbox == []
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_one_click_unsubscribe_turns_off_that_kind_only(client):
    member = UserFactory()
    token = unsubscribe_token(user_id=member.pk, kind="test.emailed")
    page = client.get(f"/notifications/unsubscribe/{token}/")
    assert "Stop emails about" in page.content.decode()
    client.post(f"/notifications/unsubscribe/{token}/")
    assert NotificationPreference.objects.get(user=member, kind="test.emailed").email is False
    assert services.wants_email(user=member, kind="test.emailed") is False


@pytest.mark.django_db
def test_a_tampered_unsubscribe_token_is_refused(client):
    member = UserFactory()
    token = unsubscribe_token(user_id=member.pk, kind="test.emailed") + "x"
    assert client.post(f"/notifications/unsubscribe/{token}/").status_code == 400
    assert not NotificationPreference.objects.exists()


@pytest.mark.django_db
def test_mark_read_and_mark_all_read_keep_the_counter_exact(client):
    member = UserFactory()
    notes = [services.notify(recipient=member, kind="community.welcome", message=f"n{i}") for i in range(3)]
    client.force_login(member)
    response = client.post(f"/notifications/{notes[0].pk}/open/")
    assert response.status_code == 302
    client.post(f"/notifications/{notes[0].pk}/read/")  # already read: no double decrement
    member.refresh_from_db()
    assert member.unread_notification_count == 2
    client.post("/notifications/read-all/")
    member.refresh_from_db()
    assert member.unread_notification_count == 0
    assert not Notification.objects.filter(read_at__isnull=True).exists()


@pytest.mark.django_db
def test_a_member_cannot_read_or_open_someone_elses_notification(client):
    owner, other = UserFactory(), UserFactory()
    note = services.notify(recipient=owner, kind="community.welcome", message="private")
    client.force_login(other)
    assert client.post(f"/notifications/{note.pk}/open/").status_code == 404
    client.post(f"/notifications/{note.pk}/read/")
    note.refresh_from_db()
    assert note.read_at is None
    assert "private" not in client.get("/notifications/").content.decode()


@pytest.mark.django_db
def test_opening_a_notification_never_redirects_off_site(client):
    member = UserFactory()
    note = services.notify(recipient=member, kind="community.welcome", message="x",
                           url="https://evil.example/steal")
    client.force_login(member)
    response = client.post(f"/notifications/{note.pk}/open/")
    assert response["Location"] == "/notifications/"


@pytest.mark.django_db
def test_notifications_page_query_count_does_not_grow_with_notifications(
    client, django_assert_num_queries
):
    member = UserFactory()
    client.force_login(member)
    for i in range(3):
        services.notify(recipient=member, kind="community.welcome", message=f"n{i}")
    client.get("/notifications/")
    with django_assert_num_queries(4):  # session, user, count, page
        client.get("/notifications/")
    for i in range(20):
        services.notify(recipient=member, kind="community.welcome", message=f"m{i}")
    with django_assert_num_queries(4):
        client.get("/notifications/")


@pytest.mark.django_db
def test_email_preferences_page_saves_choices(client):
    member = UserFactory()
    client.force_login(member)
    response = client.post("/settings/notifications/", {"test.emailed": ""})
    assert response.status_code == 302
    assert services.wants_email(user=member, kind="test.emailed") is False
    client.post("/settings/notifications/", {"test.emailed": "on", "community.welcome": "on"})
    assert services.wants_email(user=member, kind="community.welcome") is True


@pytest.mark.django_db
def test_recompute_fixes_a_drifted_unread_counter():
    member = UserFactory()
    services.notify(recipient=member, kind="community.welcome", message="x")
    User.objects.filter(pk=member.pk).update(unread_notification_count=42)
    assert services.recompute_unread_counts() == 1
    member.refresh_from_db()
    assert member.unread_notification_count == 1
    assert services.recompute_unread_counts() == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_notifications_keep_the_unread_counter_exact():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the PostgreSQL run checks real concurrency")
    member = UserFactory()
    barrier = threading.Barrier(8)

    def send(i):
        barrier.wait()
        try:
            services.notify(recipient=member, kind="community.welcome", message=f"n{i}")
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    member.refresh_from_db()
    assert member.unread_notification_count == 8


# --- the live bell ----------------------------------------------------------------------


def communicator(user):
    application = URLRouter(websocket_urlpatterns)
    comm = WebsocketCommunicator(application, "/ws/notifications/")
    comm.scope["user"] = user
    return comm


@pytest.mark.django_db(transaction=True)
async def test_anonymous_websocket_connections_are_refused():
    from django.contrib.auth.models import AnonymousUser

    comm = communicator(AnonymousUser())
    connected, code = await comm.connect()
    assert not connected
    assert code == 4401


@pytest.mark.django_db(transaction=True)
async def test_a_member_receives_their_own_notifications_live_and_nobody_elses():
    from asgiref.sync import sync_to_async

    owner = await sync_to_async(UserFactory)()
    other = await sync_to_async(UserFactory)()
    mine, theirs = communicator(owner), communicator(other)
    assert (await mine.connect())[0]
    assert (await theirs.connect())[0]
    await sync_to_async(services.notify)(recipient=owner, kind="community.welcome", message="Ping")
    message = await mine.receive_json_from(timeout=5)
    assert message["type"] == "notification"
    assert message["unread"] == 1
    assert "Ping" in message["html"]
    assert await theirs.receive_nothing(timeout=0.3)
    await mine.disconnect()
    await theirs.disconnect()
    assert get_channel_layer() is not None


def _notice(recipient, message, **extra):
    return {"recipient": recipient, "kind": "community.welcome", "message": message, "url": "/", **extra}


@pytest.mark.django_db
def test_notify_many_creates_each_notification_once_and_moves_every_unread_counter():
    alice, bob, gone = UserFactory(), UserFactory(), UserFactory(is_active=False)
    services.notify(recipient=alice, kind="community.welcome", message="Earlier", dedupe_key="k1")
    created = services.notify_many([
        _notice(alice, "Again", dedupe_key="k1"),  # already sent
        _notice(alice, "One"), _notice(alice, "Two", dedupe_key="k2"),
        _notice(alice, "Two twice", dedupe_key="k2"),  # twice in one batch
        _notice(bob, "For Bob", dedupe_key="k1"),  # keys are per recipient
        _notice(gone, "Nobody reads this"),
    ])
    assert sorted(n.message for n in created) == ["For Bob", "One", "Two"]
    alice.refresh_from_db()
    bob.refresh_from_db()
    assert (alice.unread_notification_count, bob.unread_notification_count) == (3, 1)
    assert not Notification.objects.filter(recipient=gone).exists()


@pytest.mark.django_db
def test_notify_many_costs_the_same_statements_for_five_notifications_as_for_twenty():
    from django.test.utils import CaptureQueriesContext

    members = [UserFactory() for _ in range(20)]

    def statements(count: int, batch: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            services.notify_many([_notice(member, f"{batch} {n}", dedupe_key=f"{batch}-{n}")
                                  for n, member in enumerate(members[:count])])
        return len(queries)

    assert statements(20, "big") == statements(5, "small")


@pytest.mark.django_db(transaction=True)
def test_notify_many_emails_by_each_members_preference_after_commit():
    wants, declines = UserFactory(), UserFactory()
    NotificationPreference.objects.create(user=declines, kind="test.emailed", email=False)
    services.notify_many([
        {"recipient": wants, "kind": "test.emailed", "message": "Badge earned"},
        {"recipient": declines, "kind": "test.emailed", "message": "Badge earned too"},
    ])
    assert [m.to for m in mail.outbox] == [[wants.email]]


@pytest.mark.django_db(transaction=True)
def test_a_notification_naming_text_with_line_breaks_is_emailed_with_a_one_line_subject():
    member = UserFactory()
    services.notify(recipient=member, kind="test.emailed", message="[ref]\n\n[evil]: x #5 replied\r\nin “T”")
    assert [m.subject for m in mail.outbox] == ["[Hearth] [ref] [evil]: x #5 replied in “T”"]
    assert mail.outbox[0].message()["Subject"]
