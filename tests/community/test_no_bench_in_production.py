"""Benchmark-only URLs live in bench/ (bench/urls.py, mounted by bench/settings.py): the
production URLconf serves none, and no production module names a /bench/ path."""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import Resolver404, resolve


def _production_sources() -> list[Path]:
    base = Path(settings.BASE_DIR).resolve()
    roots = [Path(c.path) for c in apps.get_app_configs() if Path(c.path).resolve().parent == base]
    roots.append(base / "config")
    return [path for root in roots for path in root.rglob("*.py") if "migrations" not in path.parts]


def test_the_production_urlconf_serves_no_bench_path():
    assert settings.ROOT_URLCONF == "config.urls"
    with pytest.raises(Resolver404):
        resolve("/bench/baseline")


def test_no_production_module_names_a_bench_path():
    found = []
    for path in _production_sources():
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and "/bench/" in node.value:
                found.append(f"{path.relative_to(settings.BASE_DIR)}:{node.lineno}")
    assert found == []
