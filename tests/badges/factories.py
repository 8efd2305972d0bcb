import datetime

import factory
from django.utils import timezone

from badges.models import Challenge


class ChallengeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Challenge

    title = factory.Sequence(lambda n: f"Challenge {n}")
    kind = "review_written"
    goal = 3
    starts_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    ends_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=6))
    reward_points = 50


_next_source = iter(range(1, 10**9))


def next_source() -> int:
    """A fresh content id for a synthetic event."""
    return next(_next_source)


def suspend(member, *, days: int | None = 3):
    """Suspend ``member`` the way a community manager does (moderation owns suspensions)."""
    from moderation.services.members import suspend_member
    from tests.factories import CommunityManagerFactory

    return suspend_member(actor=CommunityManagerFactory(), user=member, days=days, reason="Spam")


def lift(suspension) -> None:
    from moderation.services.members import lift_suspension

    lift_suspension(actor=suspension.created_by, suspension_id=suspension.pk, reason="Appeal upheld")
