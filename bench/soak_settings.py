"""Settings the soak serves Hearth with: the benchmark's production settings, with the limits
that exist to slow a single human down (rate limits, first-day caps, pre-moderation, the
typing-speed spam signal) opened up, so a few simulated members can write for minutes."""

import os

from bench.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

_UNLIMITED = {action: (1_000_000, 3600) for action in
              ("topic", "reply", "support", "review", "flag", "like", "idea", "comment")}
HEARTH_TRUST_RATE_LIMITS = {level: dict(_UNLIMITED) for level in range(5)}
HEARTH_TRUST_FIRST_DAY_CAPS = {"topic": 1_000_000, "reply": 1_000_000}
HEARTH_PREMODERATE = {"forum.topic": "off", "forum.post": "off", "ideas.idea": "off"}
HEARTH_SPAM_MAX_CHARS_PER_SECOND = 1_000_000
HEARTH_TRUST_LINKS_MIN_LEVEL = 0
HEARTH_BADGES_DAILY_CAP = 1_000_000
# The soak measures the web tier and the task pipeline, not the encoder: the lexicon keeps the
# worker's CPU for tasks (`--sentiment auto` loads MiniLM in the worker instead).
HEARTH_SENTIMENT_BACKEND = os.environ.get("HEARTH_SENTIMENT_BACKEND", "lexicon")
# Similar-idea suggestions by text: the worker would otherwise load the sentence encoder
# (~200 MB, once) part-way through the run, which is a model load, not a leak.
HEARTH_IDEAS_SIMILARITY = "text"
