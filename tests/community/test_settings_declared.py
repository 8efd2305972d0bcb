"""Every Hearth setting the code reads is declared, with its default, in
config/settings/base.py, where an operator looks for what can be tuned: a setting read only
through ``getattr(settings, "HEARTH_X", default)`` would be invisible there. The test walks
the source of every app and of config, so a new module is covered without being listed."""

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings

import config.settings.base as base_settings


def _source_files() -> list[Path]:
    base = Path(settings.BASE_DIR).resolve()
    roots = [Path(c.path) for c in apps.get_app_configs() if Path(c.path).resolve().parent == base]
    roots.append(base / "config")
    return [path for root in roots for path in root.rglob("*.py") if "migrations" not in path.parts]


def _hearth_settings_read(tree: ast.AST) -> set[str]:
    """``settings.HEARTH_X`` and ``getattr(settings, "HEARTH_X", ...)``."""
    names = set()
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id == "settings" and node.attr.startswith("HEARTH_")):
            names.add(node.attr)
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr"
                and len(node.args) >= 2 and isinstance(node.args[0], ast.Name)
                and node.args[0].id == "settings" and isinstance(node.args[1], ast.Constant)
                and str(node.args[1].value).startswith("HEARTH_")):
            names.add(node.args[1].value)
    return names


def _reads() -> dict[str, set[str]]:
    reads: dict[str, set[str]] = {}
    for path in _source_files():
        for name in _hearth_settings_read(ast.parse(path.read_text(), filename=str(path))):
            reads.setdefault(name, set()).add(str(path.relative_to(settings.BASE_DIR)))
    return reads


def test_the_walk_finds_the_settings_the_apps_read():
    reads = _reads()
    assert "HEARTH_PREMODERATE" in reads
    assert len(reads) > 20


def test_every_hearth_setting_the_code_reads_is_declared_in_the_base_settings():
    undeclared = {name: sorted(files) for name, files in _reads().items() if not hasattr(base_settings, name)}
    assert undeclared == {}
