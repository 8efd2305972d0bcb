import pytest


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """``with commit():`` runs what the enclosed writes registered for after commit (signals,
    live events, notification tasks), as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture(autouse=True)
def _moderation_out_of_the_way(request, settings):
    """Forum tests that are not about moderation write as established members would: no
    pre-moderation, limits or spam signals in the way. Tests about how the forum and
    moderation work together ask for ``moderation_on`` and get the real settings."""
    if "moderation_on" not in request.fixturenames:
        request.getfixturevalue("moderation_relaxed")


@pytest.fixture
def moderation_on(settings):
    """The project's moderation settings as they ship (see config/settings/base.py)."""
    return settings
