import pytest

from community import deferred


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """``with commit():`` runs what the enclosed writes registered for after commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture(autouse=True)
def _broker_not_paused():
    deferred.resume_broker()
    yield
    deferred.resume_broker()


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
