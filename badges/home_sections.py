"""The home page's "your challenges" section (``community.home``), for members only: the
running challenges they have started and not finished, and those ending soon, each with how
far they are and when it ends.

The running challenges are the same for everyone: they are read once a minute into the cache,
so the section costs a member one query (their progress), none when no challenge runs."""

from __future__ import annotations

import datetime

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from badges.models import Challenge, ChallengeProgress
from community.home import HomeItem, HomeSection, register_section

SHARED_KEY = "home:badges:running-challenges"
SHARED_TIMEOUT = 60
ENDING_SOON = datetime.timedelta(days=3)
SHOWN = 3


def _running(now: datetime.datetime) -> list[Challenge]:
    running = cache.get(SHARED_KEY)
    if running is None:
        running = list(Challenge.objects.filter(starts_at__lte=now, ends_at__gt=now))
        cache.set(SHARED_KEY, running, SHARED_TIMEOUT)
    # A challenge cached a minute ago may have ended since.
    return [challenge for challenge in running if challenge.ends_at > now]


def your_challenges(*, member) -> HomeSection | None:
    now = timezone.now()
    running = _running(now)
    if not running:
        return None
    progress = {challenge_id: (count, completed_at) for challenge_id, count, completed_at
                in ChallengeProgress.objects.filter(
                    user=member, challenge_id__in=[challenge.pk for challenge in running])
                .values_list("challenge_id", "count", "completed_at")}
    items = []
    for challenge in running:
        count, completed_at = progress.get(challenge.pk, (0, None))
        started = count > 0
        if completed_at is not None or not (started or challenge.ends_at - now <= ENDING_SOON):
            continue
        ends = f"it ends on {date_format(timezone.localtime(challenge.ends_at), 'j F')}"
        why = f"You have started it; {ends}." if started else f"It ends soon: {ends}."
        items.append(HomeItem(title=challenge.title, url=reverse("badges:challenges"),
                              detail=f"{min(count, challenge.goal)} of {challenge.goal} · "
                                     f"{challenge.get_kind_display()}",
                              why=why, object_id=challenge.pk))
    return HomeSection(key="badges.your_challenges", title="Your challenges",
                       why="Challenges you have started, and those about to end.",
                       items=items[:SHOWN])


def register() -> None:
    register_section("badges.your_challenges", your_challenges, order=35, members_only=True)
