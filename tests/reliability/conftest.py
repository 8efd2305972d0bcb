import pytest
from django.db import connection

from community import cache as fail_soft_cache
from community import deferred, realtime
from tests.reliability.faults import FaultyProxy


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """``with commit():`` runs what the enclosed writes registered for after commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture(autouse=True)
def _broker_not_paused():
    deferred.resume_broker()
    yield
    deferred.resume_broker()


@pytest.fixture(autouse=True)
def _redis_clients_not_paused():
    """A hung Redis pauses the cache and live updates for a few seconds: not into the next test."""
    for breaker in (fail_soft_cache.unavailable, realtime.unavailable):
        breaker.reset()
    yield
    for breaker in (fail_soft_cache.unavailable, realtime.unavailable):
        breaker.reset()


@pytest.fixture
def broker_down(settings):
    """Celery as on the real stack (not eager), with a broker that refuses connections."""
    from config.celery import app

    # Read before the settings change: Celery's conf reads through to Django's settings.
    original = (app.conf.task_always_eager, app.conf.broker_url, app.conf.broker_connection_timeout)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens there
    app.conf.broker_connection_timeout = 1
    _reset_broker_pools(app)
    yield app
    app.conf.task_always_eager, app.conf.broker_url, app.conf.broker_connection_timeout = original
    _reset_broker_pools(app)


def _reset_broker_pools(app) -> None:
    # Celery keeps its broker connection and producer pools; a new broker URL needs new ones.
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def database_through_proxy(transactional_db):
    """The default connection goes through a FaultyProxy to the real PostgreSQL, with the
    production choices: persistent connections and CONN_HEALTH_CHECKS."""
    params = connection.settings_dict
    original = {key: params.get(key) for key in ("HOST", "PORT", "CONN_MAX_AGE", "CONN_HEALTH_CHECKS")}
    proxy = FaultyProxy((params.get("HOST") or "127.0.0.1", int(params.get("PORT") or 5432)))
    connection.close()
    params.update(HOST="127.0.0.1", PORT=str(proxy.port), CONN_MAX_AGE=60, CONN_HEALTH_CHECKS=True)
    yield proxy
    proxy.restore()
    connection.close()
    params.update(original)
    proxy.close()
