import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone

from community.models import Notification
from reviews import sentiment
from tests.factories import UserFactory, make_product
from tests.reviews.factories import write_review
from webhooks import services
from webhooks.models import Attempt, Delivery, Endpoint

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("allow_local", "moderation_relaxed")]

SAD = "It broke after a week and leaks everywhere, terrible."


def recipe():
    """The verification recipe exactly as docs/webhooks.md prints it."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "webhooks.md").read_text()
    code = re.search(r"<!-- verify-recipe -->\n```python\n(.*?)```", text, re.S).group(1)
    namespace: dict = {}
    exec(code, namespace)  # noqa: S102 - the documented recipe, run as written
    return namespace["verify"]


@pytest.fixture(autouse=True)
def _lexicon(settings):
    settings.HEARTH_SENTIMENT_BACKEND = "lexicon"
    sentiment.reset_backend()
    yield
    sentiment.reset_backend()


@pytest.fixture
def product(site_tree):
    return make_product(title="Kettle", sku="KET-1")


def negative_review(product, capture, **kwargs):
    with capture(execute=True):
        return write_review(product=product, rating=1, title="Leaks", body=SAD, **kwargs)


def test_a_negative_review_reaches_a_real_receiver_signed_and_the_documented_recipe_verifies_it(
        receiver, make_endpoint, product, django_capture_on_commit_callbacks):
    endpoint = make_endpoint(url=receiver.url, events=["review.flagged_negative"])
    author = UserFactory(email="private-person@example.com")
    review = negative_review(product, django_capture_on_commit_callbacks, author=author)

    assert len(receiver.received) == 1
    request = receiver.received[0]
    assert request.path == "/hooks/hearth"
    verify = recipe()
    assert verify(endpoint.secret, request.headers, request.body)
    payload = json.loads(request.body)
    assert payload["type"] == "review.flagged_negative"
    assert payload["data"]["review_id"] == review.pk
    assert payload["data"]["rating"] == 1 and payload["data"]["product_title"] == "Kettle"
    assert payload["data"]["follow_up_id"] == review.follow_up.pk
    # Nothing a visitor could not see: no email, no text the member wrote, no score.
    raw = request.body.decode()
    for private in ("private-person", "@example.com", "Leaks", "broke", "p_negative"):
        assert private not in raw
    delivery = Delivery.objects.get()
    assert request.headers["webhook-id"] == delivery.msg_id
    assert delivery.state == Delivery.State.SUCCEEDED and delivery.last_status_code == 200
    attempt = Attempt.objects.get()
    assert (attempt.number, attempt.status_code, attempt.response_excerpt) == (1, 200, '{"ok": true}')


def test_a_tampered_body_signature_or_id_fails_verification(
        receiver, make_endpoint, product, django_capture_on_commit_callbacks):
    endpoint = make_endpoint(url=receiver.url, events=["review.flagged_negative"])
    negative_review(product, django_capture_on_commit_callbacks)
    request = receiver.received[0]
    verify = recipe()
    assert verify(endpoint.secret, request.headers, request.body)
    assert not verify(endpoint.secret, request.headers, request.body.replace(b'"rating":1', b'"rating":5'))
    signature = request.headers["webhook-signature"]
    forged = signature[:-6] + ("AAAAA=" if not signature.endswith("AAAAA=") else "BBBBB=")
    assert not verify(endpoint.secret, {**request.headers, "webhook-signature": forged}, request.body)
    assert not verify(endpoint.secret, {**request.headers, "webhook-id": "msg_other"}, request.body)
    other_secret = Endpoint(url=receiver.url).secret
    assert not verify(other_secret, request.headers, request.body)
    stale = {**request.headers, "webhook-timestamp": str(int(request.headers["webhook-timestamp"]) - 3600)}
    assert not verify(endpoint.secret, stale, request.body)


def test_a_failing_endpoint_is_retried_on_the_schedule_then_switched_off_and_staff_are_told(
        receiver, make_endpoint, product, django_capture_on_commit_callbacks, settings):
    receiver.status = 500
    receiver.answer = b"x" * 3000
    staff = UserFactory(is_staff=True)
    member = UserFactory()
    endpoint = make_endpoint(url=receiver.url, events=["review.flagged_negative"])
    negative_review(product, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    assert delivery.state == Delivery.State.PENDING and delivery.attempts == 1
    start = delivery.last_attempt_at
    expected_gaps = [timedelta(seconds=s) for s in settings.HEARTH_WEBHOOKS_RETRY_SCHEDULE]
    now = start
    for number, gap in enumerate(expected_gaps, start=2):
        delivery.refresh_from_db()
        assert delivery.next_attempt_at == now + gap
        # Not a moment early: the sweep before the time sends nothing.
        assert services.send_due(now=now + gap - timedelta(seconds=1)) == {}
        now += gap
        assert services.send_due(now=now) in ({"retry scheduled": 1}, {"failed for good": 1})
        assert len(receiver.received) == number
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.FAILED and delivery.next_attempt_at is None
    assert delivery.attempts == 7 == len(receiver.received)
    # Every retry is the same message: same id, same body.
    assert {r.headers["webhook-id"] for r in receiver.received} == {delivery.msg_id}
    assert {r.body for r in receiver.received} == {receiver.received[0].body}
    log = list(delivery.attempt_log.all())
    assert [a.status_code for a in log] == [500] * 7
    assert all(len(a.response_excerpt) == 1024 for a in log)
    endpoint.refresh_from_db()
    assert endpoint.is_active  # 17.5 hours of failures: not yet switched off

    # A second event, 20 hours on, fails too; once failures pass 24 hours the endpoint is off.
    later = start + timedelta(hours=20)
    second = services.record_event(event_type="review.flagged_negative",
                                   build=lambda: ("review.flagged_negative:test", {"x": 1}), now=later)[0]
    assert services.attempt_delivery(delivery_id=second.pk, now=later) == "retry scheduled"
    now = later
    while Endpoint.objects.get(pk=endpoint.pk).is_active:
        second.refresh_from_db()
        now = second.next_attempt_at
        services.send_due(now=now)
    endpoint.refresh_from_db()
    assert now - start >= timedelta(hours=24)
    assert endpoint.disabled_at == now and "over 24 hours" in endpoint.disabled_reason
    told = Notification.objects.filter(kind=services.NOTIFICATION_KIND)
    assert [n.recipient for n in told] == [staff]
    assert "switched off" in told[0].message
    assert told[0].url.endswith(f"/webhooks/endpoint/{endpoint.pk}/change/")
    assert not Notification.objects.filter(recipient=member, kind=services.NOTIFICATION_KIND).exists()
    # Switched off: nothing more is sent, and new events are not recorded for it.
    sent = len(receiver.received)
    assert services.send_due(now=now + timedelta(days=1)) == {}
    negative_review(product, django_capture_on_commit_callbacks)
    assert len(receiver.received) == sent


def test_deliveries_that_fail_after_every_retry_three_times_in_a_row_switch_the_endpoint_off(
        make_endpoint, settings):
    settings.HEARTH_WEBHOOKS_RETRY_SCHEDULE = []
    staff = UserFactory(is_staff=True)
    endpoint = make_endpoint(url="http://127.0.0.1:9/closed", events=["badge.granted"])
    now = timezone.now()
    for n in range(3):
        delivery = services.record_event(event_type="badge.granted",
                                         build=lambda n=n: (f"badge.granted:{n}", {}), now=now)[0]
        assert services.attempt_delivery(delivery_id=delivery.pk, now=now) == "failed for good"
        assert Attempt.objects.filter(delivery=delivery).get().error  # a refused connection
    endpoint.refresh_from_db()
    assert not endpoint.is_active and "last 3 deliveries" in endpoint.disabled_reason
    assert Notification.objects.get(kind=services.NOTIFICATION_KIND).recipient == staff


def test_a_success_clears_the_endpoints_failure_record(receiver, make_endpoint):
    endpoint = make_endpoint(url=receiver.url, events=["badge.granted"])
    now = timezone.now()
    receiver.status = 503
    first = services.record_event(event_type="badge.granted", build=lambda: ("k1", {}), now=now)[0]
    services.attempt_delivery(delivery_id=first.pk, now=now)
    endpoint.refresh_from_db()
    assert endpoint.failing_since == now
    receiver.status = 204
    services.send_due(now=now + timedelta(seconds=5))
    endpoint.refresh_from_db()
    assert endpoint.failing_since is None and endpoint.exhausted_in_row == 0


def test_redeliver_sends_the_same_message_again(receiver, make_endpoint, product,
                                                django_capture_on_commit_callbacks):
    endpoint = make_endpoint(url=receiver.url, events=["review.flagged_negative"])
    negative_review(product, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.redeliver(delivery_ids=[delivery.pk]) == 1
    assert len(receiver.received) == 2
    first, second = receiver.received
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == delivery.msg_id
    assert first.body == second.body
    assert recipe()(endpoint.secret, second.headers, second.body)
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.SUCCEEDED and delivery.attempts == 2
    assert [a.manual for a in delivery.attempt_log.all()] == [False, True]


def test_a_failed_redelivery_is_one_attempt_and_switched_off_endpoints_refuse_it(
        receiver, make_endpoint, product, django_capture_on_commit_callbacks):
    from community.refusals import Invalid

    endpoint = make_endpoint(url=receiver.url, events=["review.flagged_negative"])
    negative_review(product, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    receiver.status = 500
    with django_capture_on_commit_callbacks(execute=True):
        services.redeliver(delivery_ids=[delivery.pk])
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.FAILED and delivery.next_attempt_at is None
    endpoint.refresh_from_db()
    assert endpoint.failing_since is None  # a manual attempt does not count
    Endpoint.objects.filter(pk=endpoint.pk).update(is_active=False)
    with pytest.raises(Invalid, match="Switch the endpoint back on"):
        services.redeliver(delivery_ids=[delivery.pk])


def test_running_the_task_twice_sends_once(receiver, make_endpoint, product,
                                           django_capture_on_commit_callbacks):
    from webhooks import tasks

    make_endpoint(url=receiver.url, events=["review.published"])
    with django_capture_on_commit_callbacks(execute=False):
        write_review(product=product, rating=5, body="Works well, great kettle.")
    delivery = Delivery.objects.get()
    assert receiver.received == []
    assert tasks.deliver(delivery.pk) == "delivered"
    assert tasks.deliver(delivery.pk) == "not due"
    assert services.send_due() == {}
    assert len(receiver.received) == 1 and delivery.attempt_log.count() == 1


def test_a_delivery_is_owed_by_the_writes_transaction_and_the_sweep_sends_it_after_a_crash(
        receiver, make_endpoint, product, django_capture_on_commit_callbacks):
    make_endpoint(url=receiver.url, events=["review.published"])
    # The process "dies" after the commit: no after-commit callback runs.
    with django_capture_on_commit_callbacks(execute=False):
        write_review(product=product, rating=5, body="Works well, great kettle.")
    assert Delivery.objects.get().state == Delivery.State.PENDING
    assert services.send_due() == {"delivered": 1}
    assert len(receiver.received) == 1
    # A write that rolls back owes nothing.
    with pytest.raises(RuntimeError), transaction.atomic():
        write_review(product=product, rating=4, body="Another member likes it a lot.")
        raise RuntimeError
    assert Delivery.objects.count() == 1


def test_endpoints_get_only_the_events_they_subscribed_to_and_inactive_ones_get_nothing(
        receiver, make_endpoint, product, django_capture_on_commit_callbacks):
    published = make_endpoint(url=receiver.url + "?which=published", events=["review.published"])
    negative = make_endpoint(url=receiver.url + "?which=negative", events=["review.flagged_negative"])
    make_endpoint(url=receiver.url + "?which=off", events=["review.published", "review.flagged_negative"],
                  is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        write_review(product=product, rating=5, body="Works well, great kettle.")
    negative_review(product, django_capture_on_commit_callbacks)
    by_path = sorted((r.path, json.loads(r.body)["type"]) for r in receiver.received)
    assert by_path == [("/hooks/hearth?which=negative", "review.flagged_negative"),
                       ("/hooks/hearth?which=published", "review.published"),
                       ("/hooks/hearth?which=published", "review.published")]
    assert set(Delivery.objects.values_list("endpoint_id", flat=True)) == {published.pk, negative.pk}


def test_an_event_nobody_subscribed_to_costs_the_write_no_query(make_endpoint, django_assert_num_queries):
    make_endpoint(url="http://127.0.0.1:9/", events=["badge.granted"])
    services.subscriptions()  # cached, as on a running site
    with django_assert_num_queries(0):
        assert services.record_event(event_type="post.created", build=lambda: ("k", {})) == []


def test_a_post_in_the_forum_is_delivered_and_a_repeat_of_the_signal_is_not(
        receiver, make_endpoint, category, alice, django_capture_on_commit_callbacks):
    from forum.services import post_reply, start_topic
    from forum.services._common import _announce_published

    make_endpoint(url=receiver.url, events=["post.created"])
    with django_capture_on_commit_callbacks(execute=True):
        topic = start_topic(author=alice, category=category, title="Descaling", body="How often?")
        reply = post_reply(author=alice, topic=topic, body="Every month here.")
    types = [(json.loads(r.body)["data"]["post_number"], json.loads(r.body)["data"]["is_first_post"])
             for r in receiver.received]
    assert types == [(1, True), (2, False)]
    data = json.loads(receiver.received[1].body)["data"]
    assert data["post_id"] == reply.pk and data["url"] == reply.get_absolute_url()
    assert "Every month" not in receiver.received[1].body.decode()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        _announce_published(reply)  # shown again after being hidden: announced again
    assert len(receiver.received) == 2


def test_a_post_in_a_members_only_category_is_not_sent(make_endpoint, alice,
                                                      django_capture_on_commit_callbacks):
    from django.contrib.auth.models import Group

    from forum.services import start_topic
    from tests.forum.factories import CategoryFactory

    make_endpoint(url="http://127.0.0.1:9/", events=["post.created"])
    group = Group.objects.create(name="Early access")
    alice.groups.add(group)
    hidden = CategoryFactory(name="Insiders", slug="insiders", members_group=group)
    with django_capture_on_commit_callbacks(execute=True):
        start_topic(author=alice, category=hidden, title="Secret kettle", body="Prototype notes")
    assert not Delivery.objects.exists()


def test_a_redemption_is_delivered_without_saying_who_redeemed(receiver, make_endpoint,
                                                              django_capture_on_commit_callbacks):
    from rewards.services.redemption import redeem
    from tests.badges.conftest import restore_badge_defaults
    from tests.rewards.factories import give_points, key, make_reward

    restore_badge_defaults()
    make_endpoint(url=receiver.url, events=["redemption.created"])
    member = UserFactory(username="redeemer")
    give_points(member, 300)
    reward = make_reward(cost=100, title="Five off")
    with django_capture_on_commit_callbacks(execute=True):
        redemption = redeem(member=member, reward_id=reward.pk, idempotency_key=key())
    payload = json.loads(receiver.received[0].body)
    assert payload == {"type": "redemption.created", "timestamp": payload["timestamp"],
                       "data": {"redemption_id": redemption.pk,
                                "reward": {"id": reward.pk, "title": "Five off", "kind": reward.kind}}}
    assert str(member.pk) not in json.dumps(payload["data"]).replace(str(redemption.pk), "")


def test_a_sweep_tries_a_failing_endpoint_once_and_leaves_its_other_deliveries_to_the_next(
        receiver, make_endpoint):
    receiver.status = 502
    make_endpoint(url=receiver.url, events=["badge.granted"])
    now = timezone.now()
    for n in range(3):
        services.record_event(event_type="badge.granted", build=lambda n=n: (f"b:{n}", {}), now=now)
    assert services.send_due(now=now) == {"retry scheduled": 1}
    assert services.send_due(now=now + timedelta(seconds=1)) == {"retry scheduled": 1}
    receiver.status = 200
    assert services.send_due(now=now + timedelta(seconds=2)) == {"delivered": 1}
    assert services.send_due(now=now + timedelta(seconds=10)) == {"delivered": 2}
    assert Delivery.objects.filter(state=Delivery.State.SUCCEEDED).count() == 3


def test_a_redirect_is_a_failed_attempt_and_is_not_followed(receiver, make_endpoint):
    receiver.status = 307
    receiver.extra_headers = {"location": receiver.url + "/elsewhere"}
    make_endpoint(url=receiver.url, events=["badge.granted"])
    now = timezone.now()
    delivery = services.record_event(event_type="badge.granted", build=lambda: ("b", {}), now=now)[0]
    assert services.attempt_delivery(delivery_id=delivery.pk, now=now) == "retry scheduled"
    assert [r.path for r in receiver.received] == ["/hooks/hearth"]
    assert Attempt.objects.get().status_code == 307


def test_a_receiver_that_does_not_answer_in_time_is_a_failed_attempt(receiver, make_endpoint, settings):
    settings.HEARTH_WEBHOOKS_READ_TIMEOUT = 0.3
    receiver.delay = 1.5
    make_endpoint(url=receiver.url, events=["badge.granted"])
    now = timezone.now()
    delivery = services.record_event(event_type="badge.granted", build=lambda: ("b", {}), now=now)[0]
    assert services.attempt_delivery(delivery_id=delivery.pk, now=now) == "retry scheduled"
    attempt = Attempt.objects.get()
    assert attempt.status_code is None and "timed out" in attempt.error.lower()
    assert attempt.duration_ms < 1500


def test_finished_deliveries_are_purged_after_the_keeping_period_and_pending_ones_stay(make_endpoint):
    make_endpoint(url="http://127.0.0.1:9/", events=["badge.granted"])
    old = timezone.now() - timedelta(days=31)
    done, pending = (services.record_event(event_type="badge.granted", build=lambda k=k: (k, {}),
                                           now=old)[0] for k in ("done", "pending"))
    Delivery.objects.filter(pk=done.pk).update(state=Delivery.State.SUCCEEDED, next_attempt_at=None)
    services.record_event(event_type="badge.granted", build=lambda: ("fresh", {}))
    assert services.purge_old_deliveries() == 1
    assert set(Delivery.objects.values_list("event_key", flat=True)) == {"pending", "fresh"}


def test_an_address_that_refuses_the_connection_is_skipped_for_the_hosts_next_one(
        receiver, make_endpoint, monkeypatch):
    import socket

    port = receiver.server.server_address[1]
    make_endpoint(url=f"http://hooks.test:{port}/hearth", events=["badge.granted"])
    # Nothing listens on 127.0.0.2 (the receiver is bound to 127.0.0.1): that one refuses.
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, p, *a, **k: [
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.2", p)),
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", p))])
    now = timezone.now()
    delivery = services.record_event(event_type="badge.granted", build=lambda: ("b", {}), now=now)[0]
    assert services.attempt_delivery(delivery_id=delivery.pk, now=now) == "delivered"
    assert receiver.received[0].headers["host"] == f"hooks.test:{port}"
