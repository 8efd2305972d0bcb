import importlib
from decimal import Decimal

import pytest
from django.apps import apps


def restore_badge_defaults() -> None:
    """Transaction-flushed tests lose the rows the data migration created: put them back."""
    migration = importlib.import_module("badges.migrations.0002_default_rules_levels_badges")
    level_model = apps.get_model("badges", "Level")
    for name, min_points in migration.LEVELS:
        # 0009 gave each default level a spend threshold equal to its points.
        level_model.objects.get_or_create(
            name=name, defaults={"min_points": min_points, "min_spend": Decimal(min_points)})
    migration.create_defaults(apps, None)
    importlib.import_module("badges.migrations.0009_levels_by_spend").managers_choose_the_basis(
        apps, None)


@pytest.fixture
def badge_defaults(transactional_db):
    restore_badge_defaults()
