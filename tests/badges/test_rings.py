import pytest

from badges.models import SuspectedRing
from badges.services.ledger import record_event
from badges.services.rings import detect_rings
from community.signals import suspected_ring_detected
from tests.badges.factories import next_source
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def likes(liker, author, n):
    for _ in range(n):
        record_event(kind="like_received", user_id=author.pk, source_id=next_source(),
                     actor_id=liker.pk)


def test_a_pair_liking_each_other_far_above_the_base_rate_is_surfaced(
    settings, django_capture_on_commit_callbacks
):
    settings.HEARTH_BADGES_DAILY_CAP = 10_000
    ann, ben = UserFactory(), UserFactory()
    likes(ann, ben, 12)
    likes(ben, ann, 10)
    # The rest of the site: many members liking each other once.
    others = [UserFactory() for _ in range(30)]
    for i, member in enumerate(others):
        likes(member, others[(i + 1) % len(others)], 1)
    received = []

    def receiver(sender, user_ids, evidence, **kwargs):
        received.append((user_ids, evidence))

    suspected_ring_detected.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            found = detect_rings()
    finally:
        suspected_ring_detected.disconnect(receiver)
    assert [sorted(m.pk for m in ring.members.all()) for ring in found] == [sorted([ann.pk, ben.pk])]
    assert received[0][0] == sorted([ann.pk, ben.pk])
    pair = received[0][1]["pairs"][0]
    assert {pair["a_liked_b"], pair["b_liked_a"]} == {12, 10}
    # Surfaced, not punished: the points stay.
    from badges.models import UserPoints

    assert UserPoints.objects.get(user=ben).total == 12


def test_one_sided_enthusiasm_is_not_a_ring(settings):
    settings.HEARTH_BADGES_DAILY_CAP = 10_000
    fan, star = UserFactory(), UserFactory()
    likes(fan, star, 20)
    likes(star, fan, 1)
    assert detect_rings() == []


def test_running_the_detector_again_does_not_duplicate_findings(settings):
    settings.HEARTH_BADGES_DAILY_CAP = 10_000
    settings.HEARTH_BADGES_RING_RATIO = 1.0
    ann, ben = UserFactory(), UserFactory()
    likes(ann, ben, 6)
    likes(ben, ann, 6)
    detect_rings()
    detect_rings()
    assert SuspectedRing.objects.count() == 1


def test_a_detected_ring_reaches_the_moderation_dashboard(settings, django_capture_on_commit_callbacks):
    from moderation.models import SuspectedRing as ModerationRing

    settings.HEARTH_BADGES_DAILY_CAP = 10_000
    ann, ben = UserFactory(), UserFactory()
    likes(ann, ben, 12)
    likes(ben, ann, 10)
    others = [UserFactory() for _ in range(30)]
    for i, member in enumerate(others):
        likes(member, others[(i + 1) % len(others)], 1)
    with django_capture_on_commit_callbacks(execute=True):
        detect_rings()
    ring = ModerationRing.objects.get()
    assert ring.user_ids == sorted([ann.pk, ben.pk])
    assert ring.evidence["pairs"]
