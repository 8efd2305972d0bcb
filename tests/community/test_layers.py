"""The import contracts (``lint-imports``, run by ``make lint`` and CI) cover every app of
the project: a new app cannot escape them by not being listed."""

import tomllib
from pathlib import Path

from django.apps import apps
from django.conf import settings

PYPROJECT = Path(settings.BASE_DIR) / "pyproject.toml"


def _importlinter() -> dict:
    return tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]


def _project_apps() -> set[str]:
    base = Path(settings.BASE_DIR).resolve()
    # The project's own apps are the packages at the top of the repository.
    return {config.name for config in apps.get_app_configs() if Path(config.path).resolve().parent == base}


def test_every_app_of_the_project_and_config_are_checked_by_the_import_contracts():
    assert set(_importlinter()["root_packages"]) == _project_apps() | {"config"}


def test_no_app_may_import_the_project_package():
    contract = next(c for c in _importlinter()["contracts"] if c["id"] == "no-app-imports-config")
    assert set(contract["source_modules"]) == _project_apps()
    assert contract["forbidden_modules"] == ["config"]
