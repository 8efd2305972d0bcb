"""Settings of the separate Hearth processes (web server, Celery worker with beat) that
`test_redis_outage_journey.py` starts: the real stack as `DATABASE_URL` and `REDIS_URL` make
it (PostgreSQL, fail-soft Redis cache, channels-redis, Celery through Redis, sessions
`cached_db`), with only what a test needs changed."""

from config.settings.base import *  # noqa: F403
from config.settings.base import CELERY_BEAT_SCHEDULE, HEARTH_PREMODERATE

DEBUG = False
# Static files from the apps' folders, as in the test settings (no collectstatic run).
WHITENOISE_AUTOREFRESH = True
# The test process creates the members with the test suite's fast hasher.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The lexicon: a review's scoring task must not load the MiniLM model into the worker.
HEARTH_SENTIMENT_BACKEND = "lexicon"
HEARTH_IDEAS_SIMILARITY = "text"

# Members write as established members would (as the suite's `moderation_relaxed` fixture):
# the journey is about the outage, not about pre-moderation or newcomer limits.
HEARTH_PREMODERATE = {key: "off" for key in HEARTH_PREMODERATE}
HEARTH_TRUST_FIRST_DAY_CAPS = {}
HEARTH_TRUST_RATE_LIMITS = {}
HEARTH_TRUST_LINKS_MIN_LEVEL = 0

# Beat's catch-up jobs every second rather than every minute, and the sweep's grace period
# shortened to match, so that catching up takes seconds in the journey.
HEARTH_OUTBOX_GRACE_SECONDS = 2
# A long outage in a few seconds: requests do not pause after a refusal, so each write of the
# journey meets the broker down itself, as writes do in a real outage each time the pause ends.
HEARTH_OUTBOX_BROKER_PAUSE_SECONDS = 0
CELERY_BEAT_SCHEDULE = {
    name: {**entry, "schedule": 1.0}
    for name, entry in CELERY_BEAT_SCHEDULE.items()
    if name in ("community.dispatch_outbox", "badges.drain_events")
}

# One line per record that starts with its level and logger, so the journey can tell the
# warnings an outage is documented to log from errors.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
