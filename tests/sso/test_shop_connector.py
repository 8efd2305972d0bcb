"""The shop's log-in connector (/sso/shop/): links built with the recipe in docs/sso.md."""

import base64
import threading
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.utils import timezone

from community.models import Notification, User
from privacy.models import Consent
from sso import connector, services
from sso.models import ShopAccount, UsedNonce
from tests.factories import UserFactory
from tests.sso.helpers import shop_recipe, signed_in_as

pytestmark = pytest.mark.django_db

SECRET = "test-shop-sso-secret"  # config/settings/test.py
hearth_login_url = shop_recipe()["hearth_login_url"]


def link(**fields) -> str:
    """A link as the shop makes it (docs/sso.md), as a path on the test server."""
    fields = {"customer_id": "cust-1001", "email": "ada@example.com", "name": "Ada Byron",
              "return_to": "/forum/", **fields}
    url = hearth_login_url(hearth_url="http://testserver", secret=fields.pop("secret", SECRET), **fields)
    return url.removeprefix("http://testserver")


def signed(text: str, *, secret: str = SECRET) -> str:
    """A link for a payload of our own making (for the malformed ones the recipe never makes)."""
    payload = base64.b64encode(text.encode()).decode()
    return "/sso/shop/?" + urlencode({"payload": payload, "sig": connector.sign(payload, secret=secret)})


def fields_text(**overrides) -> str:
    fields = {"nonce": "n" * 24, "email": "ada@example.com", "external_id": "cust-1001",
              "issued_at": str(int(time.time())), **overrides}
    return urlencode({key: value for key, value in fields.items() if value is not None})


def state() -> tuple:
    return (User.objects.count(), ShopAccount.objects.count(), UsedNonce.objects.count(),
            EmailAddress.objects.count())


def test_a_new_customer_becomes_a_member_signed_in_on_the_return_to_page(client):
    response = client.get(link())
    assert response.status_code == 302 and response["Location"] == "/forum/"
    member = signed_in_as(client)
    assert member.username == "ada_byron" and member.display_name == "Ada Byron"
    assert member.email == "ada@example.com" and not member.has_usable_password()
    assert EmailAddress.objects.get(user=member).verified  # the shop vouches for it
    assert ShopAccount.objects.get(user=member).external_id == "cust-1001"
    assert not Consent.objects.filter(user=member).exists()  # no consent assumed
    assert Notification.objects.filter(recipient=member, kind="community.welcome").count() == 1


def test_usernames_never_come_from_the_email_and_stay_unique(client):
    UserFactory(username="ada_byron")
    client.get(link())
    assert signed_in_as(client).username.startswith("ada_byron")
    assert signed_in_as(client).username != "ada_byron"
    client.logout()
    client.get(link(customer_id="cust-2", email="quiet.person@example.com", name=""))
    assert signed_in_as(client).username.startswith("member")


def test_a_returning_customer_is_found_by_customer_id_whatever_email_the_shop_sends(client):
    client.get(link())
    member = signed_in_as(client)
    client.logout()
    response = client.get(link(email="ada.new@example.com", return_to="/ideas/"))
    assert response["Location"] == "/ideas/"
    assert signed_in_as(client) == member
    assert User.objects.filter(email="ada.new@example.com").count() == 0


def test_a_returning_customer_signs_in_with_a_fixed_number_of_queries(client, django_assert_num_queries):
    client.get(link())
    client.logout()
    url = link()
    # The service: the nonce (in a savepoint inside the transaction), the link with its member
    # in one query (the suspension is read from the member's row), the link's last log-in; 7
    # with the savepoints. Django's login: the new session (created, then saved), privacy's
    # check for a scheduled deletion, the member's last_login; 11 with their savepoints.
    with django_assert_num_queries(18):
        response = client.get(url)
    assert response.status_code == 302


def test_a_member_with_that_verified_address_is_linked_and_signed_in(client):
    member = UserFactory(username="ada", email="ada@example.com")  # its address is verified
    response = client.get(link())
    assert response.status_code == 302
    assert signed_in_as(client) == member
    assert ShopAccount.objects.get(external_id="cust-1001").user == member
    assert User.objects.count() == 1


def test_an_unverified_address_on_hearth_is_never_matched(client):
    squatter = UserFactory(username="squatter", email="ada@example.com")
    EmailAddress.objects.filter(user=squatter).update(verified=False)
    client.get(link())
    member = signed_in_as(client)
    assert member != squatter
    assert EmailAddress.objects.get(user=member, email="ada@example.com").verified


def test_a_suspended_member_is_refused_with_a_clear_message_and_nothing_changes(client):
    member = UserFactory(username="ada", email="ada@example.com")
    member.suspended_until = timezone.now() + timezone.timedelta(days=2)
    member.save(update_fields=["suspended_until"])
    from moderation.models import Suspension

    Suspension.objects.create(user=member, reason="Spam", ends_at=member.suspended_until)
    before = state()
    response = client.get(link())
    assert response.status_code == 403
    assert "Your Hearth account is suspended until" in response.content.decode()
    assert signed_in_as(client) is None
    assert state() == before  # not even the nonce is used


def test_a_closed_account_is_refused(client):
    member = UserFactory(username="ada", email="ada@example.com", is_active=False)
    ShopAccount.objects.create(user=member, external_id="cust-1001")
    response = client.get(link())
    assert response.status_code == 403
    assert "This Hearth account is closed" in response.content.decode()
    assert signed_in_as(client) is None


def test_an_account_linked_to_another_customer_is_not_linked_twice(client):
    member = UserFactory(username="ada", email="ada@example.com")
    ShopAccount.objects.create(user=member, external_id="cust-0042")
    before = state()
    response = client.get(link())
    assert response.status_code == 400
    assert "linked to another customer of the shop" in response.content.decode()
    assert state() == before and signed_in_as(client) is None


def test_a_link_works_once(client):
    url = link()
    client.get(url)
    member = signed_in_as(client)
    client.logout()
    before = state()
    response = client.get(url)
    assert response.status_code == 400
    assert "This sign-in link was used already" in response.content.decode()
    assert state() == before and signed_in_as(client) is None
    assert member is not None


def _tampered_payload(url: str) -> str:
    query = parse_qs(urlsplit(url).query)
    text = base64.b64decode(query["payload"][0]).decode().replace("cust-1001", "cust-9999")
    payload = base64.b64encode(text.encode()).decode()
    return "/sso/shop/?" + urlencode({"payload": payload, "sig": query["sig"][0]})


@pytest.mark.parametrize("make_url, message", [
    (lambda: link(secret="another-secret"), "signature does not match"),
    (lambda: _tampered_payload(link()), "signature does not match"),
    (lambda: link().replace("sig=", "sig=0"), "malformed"),
    (lambda: "/sso/shop/", "needs both a payload and a signature"),
    (lambda: "/sso/shop/?payload=abc", "needs both a payload and a signature"),
    (lambda: signed(fields_text(issued_at=str(int(time.time()) - 301))), "expired"),
    (lambda: signed(fields_text(issued_at=str(int(time.time()) + 3600))), "in the future"),
    (lambda: signed(fields_text(issued_at="yesterday")), "issued_at"),
    (lambda: "/sso/shop/?" + urlencode({"payload": "%%%not base64",
                                         "sig": connector.sign("%%%not base64", secret=SECRET)}),
     "not base64"),
    (lambda: signed("\xff\xfe"), "not base64"),
    (lambda: signed(fields_text(email=None, external_id=None)), "lacks email, external_id"),
    (lambda: signed(fields_text() + "&email=b@example.com"), "names email twice"),
    (lambda: signed(fields_text(nonce="short")), "nonce"),
    (lambda: signed(fields_text(email="not an address")), "not a valid address"),
    (lambda: signed(fields_text(external_id="x" * 65)), "external_id"),
    (lambda: link(return_to="https://evil.example.net/"), "path on this site"),
    (lambda: link(return_to="//evil.example.net/"), "path on this site"),
    (lambda: link(return_to="/\\evil.example.net"), "path on this site"),
    (lambda: link(return_to="forum/"), "path on this site"),
    (lambda: link(return_to="javascript:alert(1)"), "path on this site"),
])
def test_every_bad_link_gets_a_400_page_saying_why_and_changes_nothing(client, make_url, message):
    before = state()
    response = client.get(make_url())
    assert response.status_code == 400
    assert "This sign-in link from the shop cannot be used" in response.content.decode()
    assert message in response.content.decode()
    assert state() == before and signed_in_as(client) is None


def test_without_a_secret_the_connector_is_not_there(client, settings):
    settings.HEARTH_SHOP_SSO_SECRET = ""
    assert client.get(link()).status_code == 404
    assert not User.objects.exists()


def test_only_get_is_answered(client):
    assert client.post(link()).status_code == 405


def test_a_signed_in_member_following_someone_elses_link_becomes_that_customer(client):
    other = UserFactory(username="other")
    client.force_login(other)
    client.get(link())
    assert signed_in_as(client).username == "ada_byron"


def test_old_nonces_are_purged_and_recent_ones_kept():
    old = UsedNonce.objects.create(nonce="o" * 20, used_at=timezone.now() - timezone.timedelta(hours=1))
    recent = UsedNonce.objects.create(nonce="r" * 20)
    assert services.purge_used_nonces() == 1
    assert list(UsedNonce.objects.values_list("pk", flat=True)) == [recent.pk]
    assert old.pk not in UsedNonce.objects.values_list("pk", flat=True)


@pytest.mark.django_db(transaction=True)
def test_the_same_link_followed_twice_at_once_signs_in_once(rf):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL")
    url = link()
    query = parse_qs(urlsplit(url).query)
    login = connector.verify(query["payload"][0], query["sig"][0], secret=SECRET, max_age=300)
    barrier, outcomes = threading.Barrier(2), []

    def follow():
        from django.db import connections

        try:
            barrier.wait()
            services.sign_in_shop_customer(request=rf.get(url), login=login)
            outcomes.append("signed in")
        except connector.ShopLinkRefused as refusal:
            outcomes.append(refusal.message)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=follow) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert sorted(outcomes) == ["This sign-in link was used already. Go back to the shop and follow its "
                                "link again.", "signed in"]
    assert User.objects.filter(username="ada_byron").count() == 1
    assert UsedNonce.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_links_for_a_new_customer_followed_at_once_make_one_member(rf):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL")
    logins = []
    for _ in range(2):
        query = parse_qs(urlsplit(link()).query)
        logins.append(connector.verify(query["payload"][0], query["sig"][0], secret=SECRET, max_age=300))
    barrier, members = threading.Barrier(2), []

    def follow(login):
        from django.db import connections

        try:
            barrier.wait()
            user, _created = services.sign_in_shop_customer(request=rf.get("/sso/shop/"), login=login)
            members.append(user.pk)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=follow, args=(login,)) for login in logins]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert len(members) == 2 and members[0] == members[1]
    assert ShopAccount.objects.count() == 1 and User.objects.count() == 1
    assert UsedNonce.objects.count() == 2


def test_a_new_member_from_the_shop_gets_the_orders_placed_with_the_address(
        client, django_capture_on_commit_callbacks):
    from shop import services as shop_services
    from shop.models import Order
    from shop.parsing import parse_order
    from tests.shop.factories import order_payload

    shop_services.record_order(data=parse_order(order_payload(order_id="A-1", email="ada@example.com")),
                               source=Order.Source.WEBHOOK)
    assert Order.objects.get(external_id="A-1").member is None
    with django_capture_on_commit_callbacks(execute=True):
        client.get(link())
    assert Order.objects.get(external_id="A-1").member == signed_in_as(client)
