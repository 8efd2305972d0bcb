"""Ideas made through the services, so every test idea has the history a real one has."""

from __future__ import annotations

from ideas import services
from ideas.models import Idea, Milestone
from tests.factories import BrandStaffFactory, UserFactory

LEGO_LADDER = [(100, 60), (1_000, 365), (5_000, 180), (10_000, 180)]


def ensure_default_ladder() -> None:
    """The data migration's ladder, restored after a transactional test flushed it."""
    if not Milestone.objects.exists():
        Milestone.objects.bulk_create(Milestone(supporters=s, window_days=d) for s, d in LEGO_LADDER)


def submitted_idea(*, creator=None, title: str = "A travel lid for the flask", **fields) -> Idea:
    creator = creator or UserFactory()
    return services.submit_idea(
        creator=creator, title=title,
        description=fields.pop("description", "A lid that clicks shut so nothing leaks in a bag."),
        **fields,
    )


def published_idea(*, staff=None, **fields) -> Idea:
    ensure_default_ladder()
    idea = submitted_idea(**fields)
    services.decide_idea(actor=staff or BrandStaffFactory(), idea_id=idea.pk, to_status="gathering_support")
    idea.refresh_from_db()
    return idea


def support_from(idea: Idea, count: int, *, prefix: str = "fan") -> list:
    users = [UserFactory(username=f"{prefix}{idea.pk}x{n}") for n in range(count)]
    for user in users:
        services.cast_support(user=user, idea_id=idea.pk)
    idea.refresh_from_db()
    return users
