import importlib

import pytest
from django.apps import apps


def restore_badge_defaults() -> None:
    """Transaction-flushed tests lose the rows the data migration created: put them back."""
    migration = importlib.import_module("badges.migrations.0002_default_rules_levels_badges")
    migration.create_defaults(apps, None)


@pytest.fixture
def badge_defaults(transactional_db):
    restore_badge_defaults()
