import pytest
from django.core.management import call_command

from community.models import User
from moderation.models import Flag, QueueItem, SuspectedRing

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_a_moderators_day_and_can_run_twice(site_tree):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    # Five flags on profiles and three on forum replies (forum/demo.py).
    assert Flag.objects.count() == 8
    assert QueueItem.objects.filter(status="pending").count() == 6
    assert QueueItem.objects.filter(kind="premoderation").count() == 1
    assert User.objects.get(username="quickdeals").profile_hidden_at is not None
    assert User.objects.get(username="dan").trust.level == 3
    assert SuspectedRing.objects.get().times_reported == 2
