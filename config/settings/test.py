"""Settings for the test suite: the mode under test comes from the environment, as in base.

Tests always use a local-memory cache (a shared Redis cache would leak Wagtail's cached site
root paths between the test database and a running dev server) and run tasks in-process.
"""

import os

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES, REDIS_URL

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Large enough never to cull: Redis evicts nothing at the sizes a test reaches, and a cull
# (a third of the keys at Django's default of 300) would drop pages a test put there.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                      "OPTIONS": {"MAX_ENTRIES": 100_000}}}
CELERY_TASK_ALWAYS_EAGER = True
# Off unless a test turns it on: TestCase transactions never commit, so the version bumps
# after commit would not run (tests/community/test_page_cache.py covers the cache).
HEARTH_ANONYMOUS_PAGE_CACHE = False
CELERY_TASK_EAGER_PROPAGATES = True
# The shop's webhook is configured in tests, so the walks meet its signature check (an empty
# secret answers 503, which tests/shop covers on its own).
HEARTH_SHOP_WEBHOOK_SECRET = "test-shop-webhook-secret"  # noqa: S105 - a test value
MEDIA_ROOT = BASE_DIR / ".test-media"
HEARTH_PRIVACY_EXPORT_DIR = BASE_DIR / ".test-media-private" / "exports"
WHITENOISE_AUTOREFRESH = True

# Browser tests serve the site from a thread of the test process: SQLite must then be a file
# (a shared in-memory database locks under concurrent access), and the name is explicit
# because Channels' live-server helpers otherwise prefix it twice.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".test-db.sqlite3")}
else:
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("HEARTH_TEST_DB_NAME", "test_hearth")}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].get("OPTIONS", {}).pop("pool", None)

if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": "hearth-test:asgi"},
        }
    }
# The shop's log-in connector is configured in tests, so the walks meet its signature check
# (an empty secret answers 404, which tests/sso covers); no sign-in provider is configured
# unless a test configures one (tests/sso), whatever the environment says.
HEARTH_SHOP_SSO_SECRET = "test-shop-sso-secret"  # noqa: S105 - a test value
SOCIALACCOUNT_PROVIDERS = {}
HEARTH_CSP_ACCOUNT_FORM_ORIGINS = []
