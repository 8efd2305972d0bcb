"""Automatic spam signals. Content services call ``scan_for_spam`` right after they save a
member's text, new or edited (inside their transaction); each signal raises a system flag on
the object. For an edit they pass what the member typed (``added_text``), so fixing a typo in
a long post moments after writing it does not look like typing a whole post in seconds."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from moderation.models import TextFingerprint
from moderation.selectors import trust_level_of
from moderation.services.flags import raise_system_flag

LINK = re.compile(r"https?://|www\.[a-z0-9-]+\.", re.IGNORECASE)
NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalise(text: str) -> str:
    """Case, spacing and punctuation do not make a repeated text new."""
    return NOT_WORD.sub(" ", text.casefold()).strip()


def added_text(before: str, after: str) -> str:
    """The words ``after`` holds more of than ``before``, in their order in ``after``: what a
    member added when they edited ``before`` into ``after``. Linear in the length (a counted
    bag of words, not a diff); words only moved around count as not added."""
    extra = Counter(after.split()) - Counter(before.split())
    added = []
    for word in after.split():
        if extra[word] > 0:
            extra[word] -= 1
            added.append(word)
    return " ".join(added)


def scan_for_spam(*, user, text: str, obj, typed: str | None = None) -> list[str]:
    """Check ``text`` that ``user`` just posted (or edited) as ``obj``; flag ``obj`` for each
    signal found and return the signals' names. ``typed`` is what the member wrote this time:
    the whole text for new content (the default), ``added_text(old, new)`` for an edit.

    Signals: "many_links" (a member below HEARTH_SPAM_LINKS_UNTIL_LEVEL posting at least
    HEARTH_SPAM_MAX_LINKS links in the text), "repeated_text" (the same normalised text posted
    HEARTH_SPAM_REPEAT_COUNT times within HEARTH_SPAM_REPEAT_WINDOW_MINUTES),
    "typing_too_fast" (more than HEARTH_SPAM_MAX_CHARS_PER_SECOND typed characters per second
    since the member's previous post or edit, when at least HEARTH_SPAM_MIN_FAST_LENGTH were
    typed).
    """
    typed = text if typed is None else typed
    now = timezone.now()
    found: dict[str, str] = {}
    normalised = normalise(text)
    digest = hashlib.sha256(normalised.encode()).hexdigest()

    links = len(LINK.findall(text))
    new_member = trust_level_of(user) < settings.HEARTH_SPAM_LINKS_UNTIL_LEVEL
    if links >= settings.HEARTH_SPAM_MAX_LINKS and new_member:
        found["many_links"] = f"{links} links from a new member"

    if len(normalised) >= settings.HEARTH_SPAM_MIN_REPEAT_LENGTH:
        window = now - timedelta(minutes=settings.HEARTH_SPAM_REPEAT_WINDOW_MINUTES)
        earlier = TextFingerprint.objects.filter(user=user, digest=digest, created_at__gte=window).count()
        if earlier + 1 >= settings.HEARTH_SPAM_REPEAT_COUNT:
            found["repeated_text"] = f"the same text posted {earlier + 1} times within " \
                f"{settings.HEARTH_SPAM_REPEAT_WINDOW_MINUTES} minutes"

    previous = TextFingerprint.objects.filter(user=user).aggregate(last=Max("created_at"))["last"]
    if previous is not None and len(typed) >= settings.HEARTH_SPAM_MIN_FAST_LENGTH:
        seconds = max((now - previous).total_seconds(), 0.5)
        speed = len(typed) / seconds
        if speed > settings.HEARTH_SPAM_MAX_CHARS_PER_SECOND:
            found["typing_too_fast"] = f"{len(typed)} characters {seconds:.0f} s after the previous post " \
                f"({speed:.0f} per second)"

    TextFingerprint.objects.create(user=user, digest=digest, length=len(text), created_at=now)
    raised = []
    for signal, note in found.items():
        if raise_system_flag(obj=obj, signal=signal, note=f"Automatic: {note}") is not None:
            raised.append(signal)
    return raised


def purge_old_fingerprints(*, now=None) -> int:
    now = now or timezone.now()
    keep = max(settings.HEARTH_SPAM_REPEAT_WINDOW_MINUTES, 60 * 24)
    deleted, _ = TextFingerprint.objects.filter(created_at__lt=now - timedelta(minutes=keep)).delete()
    return deleted
