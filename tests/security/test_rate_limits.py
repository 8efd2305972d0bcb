"""allauth's rate limits on log-in, sign-up and password reset stay on and fire.

(Posting, supporting, reviewing and flagging limits live in moderation.services.check_can_act
and are tested with moderation; websocket message limits in test_websockets.py.)
"""

import pytest
from django.core import mail
from django.urls import reverse

from community.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _refused(response) -> bool:
    return response.status_code == 429 or "Too many" in response.content.decode()


def test_failed_log_ins_for_one_account_are_slowed_down(client):
    UserFactory(username="target")
    answers = [client.post(reverse("account_login"), {"login": "target", "password": f"guess-{n}"})
               for n in range(6)]
    assert not any(_refused(answer) for answer in answers[:5])
    assert _refused(answers[5])
    # Even the right password waits out the limit: guessing cannot be finished quickly.
    answer = client.post(reverse("account_login"), {"login": "target", "password": PASSWORD})
    assert _refused(answer) and "_auth_user_id" not in client.session


def test_failed_log_ins_from_one_address_are_slowed_down_across_accounts(client):
    for n in range(11):
        UserFactory(username=f"spray{n}")
    answers = [client.post(reverse("account_login"), {"login": f"spray{n}", "password": "wrong-one"})
               for n in range(11)]
    assert not any(_refused(answer) for answer in answers[:10])
    assert _refused(answers[10])


def test_sign_ups_from_one_address_are_limited(client):
    answers = []
    for n in range(21):
        answers.append(client.post(reverse("account_signup"), {
            "username": f"newbie{n}", "email": f"newbie{n}@example.com",
            "password1": "a-long-fresh-password", "password2": "a-long-fresh-password"}))
        client.logout()
    assert not any(_refused(answer) for answer in answers[:20])
    assert _refused(answers[20])
    assert User.objects.filter(username__startswith="newbie").count() == 20


def test_password_reset_requests_from_one_address_are_limited(client):
    """Five a minute from one client address, whoever they are for (a recipient has a lower
    limit of its own: tests/community/test_accounts.py)."""
    for n in range(6):
        UserFactory(username=f"forgetful{n}", email=f"forgetful{n}@example.com")
    answers = [client.post(reverse("account_reset_password"), {"email": f"forgetful{n}@example.com"})
               for n in range(6)]
    assert not any(_refused(answer) for answer in answers[:5])
    assert _refused(answers[5])
    assert len(mail.outbox) == 5
