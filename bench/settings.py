"""Settings the benchmark serves Hearth with: production settings (DEBUG off, manifest
static files) over plain HTTP on 127.0.0.1, plus the bare baseline view."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "bench-" + "k" * 60)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
# The API's rate limits stay on (their cost is measured) but far above what wrk sends, so
# the API pages measure answers, not refusals.
for _scope in ("TOKEN", "SESSION", "ANON", "WRITE"):
    os.environ.setdefault(f"HEARTH_API_RATE_{_scope}", "1000000/s")

from config.settings.production import *  # noqa: E402, F403

# wrk speaks plain HTTP: cookies must not be HTTPS-only here.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
ROOT_URLCONF = "bench.urls"
# Warnings and errors go to the server's log file (bench/__main__.py names it).
LOGGING = {"version": 1, "disable_existing_loggers": False,
           "handlers": {"console": {"class": "logging.StreamHandler"}},
           "root": {"handlers": ["console"], "level": "WARNING"}}

# Every seeded member is a new account: premoderation would hold each reply the write
# benchmark posts for approval. Rate limits and first-day caps stay as in production (the
# write benchmark spreads its posts over many members).
HEARTH_PREMODERATE = {key: "off" for key in HEARTH_PREMODERATE}  # noqa: F405

# The fan-out's hundred listening members all connect from 127.0.0.1, where on the web each
# has an address of their own: the per-address socket cap (60) would refuse 40 of them. The
# per-session cap stays.
HEARTH_WS_MAX_PER_ADDRESS = 1000
