"""Log-in guessing is slow, yet nobody can lock the owner out of their own account from the
owner's own address (community/account_adapter.py, ACCOUNT_RATE_LIMITS)."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

OWNER_ADDRESS = "198.51.100.20"
ATTACKER_ADDRESS = "203.0.113.66"


def _log_in(client, login, password, address):
    return client.post(reverse("account_login"), {"login": login, "password": password}, REMOTE_ADDR=address)


def _refused(response) -> bool:
    return response.status_code == 429 or "Too many" in response.content.decode()


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_wrong_passwords_from_one_address_do_not_block_the_owner_elsewhere():
    UserFactory(username="owner", email="owner@example.com")
    attacker = Client()
    answers = [_log_in(attacker, "owner", f"guess-{n}", ATTACKER_ADDRESS) for n in range(7)]
    assert _refused(answers[-1])

    owner = Client()
    assert _log_in(owner, "owner", PASSWORD, OWNER_ADDRESS).status_code == 302
    assert _signed_in(owner)


def test_a_username_and_its_email_count_as_one_account():
    UserFactory(username="owner", email="owner@example.com")
    attacker = Client()
    for n in range(3):
        assert not _refused(_log_in(attacker, "owner", f"guess-{n}", ATTACKER_ADDRESS))
    for n in range(2):
        assert not _refused(_log_in(attacker, "OWNER@example.com", f"guess-e{n}", ATTACKER_ADDRESS))
    assert _refused(_log_in(attacker, "owner", "guess-6", ATTACKER_ADDRESS))
    assert _refused(_log_in(attacker, "owner@example.com", PASSWORD, ATTACKER_ADDRESS))
    assert not _signed_in(attacker)


def test_guessing_from_one_address_is_limited_even_when_it_finally_guesses_right():
    UserFactory(username="owner")
    attacker = Client()
    answers = [_log_in(attacker, "owner", f"guess-{n}", ATTACKER_ADDRESS) for n in range(6)]
    assert not any(_refused(answer) for answer in answers[:5])
    assert _refused(answers[5])
    assert _refused(_log_in(attacker, "owner", PASSWORD, ATTACKER_ADDRESS))
    assert not _signed_in(attacker)


def test_guessing_from_many_addresses_hits_the_account_cap_but_not_the_owners_address():
    UserFactory(username="owner")
    owner = Client()
    assert _log_in(owner, "owner", PASSWORD, OWNER_ADDRESS).status_code == 302
    owner.logout()

    attacker = Client()
    answers = [_log_in(attacker, "owner", f"guess-{n}", f"203.0.113.{n // 4}") for n in range(31)]
    assert not any(_refused(answer) for answer in answers[:30])
    assert _refused(answers[30])  # 30 an hour for the account from all addresses together
    assert _refused(_log_in(Client(), "owner", PASSWORD, "192.0.2.99"))  # a new address waits

    assert _log_in(owner, "owner", PASSWORD, OWNER_ADDRESS).status_code == 302
    assert _signed_in(owner)


def test_a_right_password_does_not_use_up_the_account_cap(settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed_account": "2/h/key"}
    UserFactory(username="owner")
    for n in range(3):
        member = Client()
        assert _log_in(member, "owner", PASSWORD, f"192.0.2.{n}").status_code == 302


def test_a_borrowed_session_cannot_guess_the_password_through_the_change_form():
    owner = UserFactory(username="owner")
    borrowed = Client()
    borrowed.force_login(owner)
    change = reverse("account_change_password")
    for n in range(5):
        answer = borrowed.post(change, {"oldpassword": f"guess-{n}", "password1": "a-new-long-password-1",
                                        "password2": "a-new-long-password-1"})
        assert not _refused(answer)
    right = borrowed.post(change, {"oldpassword": PASSWORD, "password1": "a-new-long-password-1",
                                   "password2": "a-new-long-password-1"})
    assert _refused(right)
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)
