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
