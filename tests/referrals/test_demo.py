import io

import pytest
from django.core.management import call_command

from badges.models import PointsEntry
from referrals.models import Referral

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_alice_a_completed_a_pending_and_a_held_referral_once(site_tree):
    call_command("seed_demo", stdout=io.StringIO())
    states = dict(Referral.objects.values_list("friend__username", "state"))
    assert states == {"fiona": "completed", "gus": "pending", "alicia": "held"}
    assert Referral.objects.get(friend__username="alicia").hold_reasons == ["similar_email"]
    rewards = PointsEntry.objects.filter(reason__startswith="referral_").count()
    assert rewards == 2
    call_command("seed_demo", stdout=io.StringIO())
    assert Referral.objects.count() == 3
    assert PointsEntry.objects.filter(reason__startswith="referral_").count() == rewards
