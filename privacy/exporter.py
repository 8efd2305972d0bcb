"""Builds a member's export: one JSON file per kind of data (privacy.coverage.FILES) and a
README.txt that explains each file, in a ZIP."""

from __future__ import annotations

import datetime
import decimal
import json
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path

from django.apps import apps
from django.db.models import Model
from django.db.models.fields.files import FieldFile

from privacy.coverage import COVERAGE, FILES, PROFILE_FIELDS, Export, exports_for

README_HEAD = """Your data from {site}
Exported for {username} on {when} (UTC).

Each .json file holds one object whose keys are lists of records (one per row we keep).
Times are ISO 8601 in UTC. Ids let you match records across files (a post's topic_id is the
id of a topic in forum.json). Names of fields that follow a link are joined with "__"
(topic__title is the title of the post's topic).

The files:
"""


def _plain(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or ""
    return value


def rows(label: str, entry: Export, user) -> list[dict]:
    """The member's rows of one model, as plain dicts of the entry's fields."""
    model = apps.get_model(label)
    queryset = model._default_manager.filter(entry.rows_of(user)).order_by(*entry.order_by)
    return [{name: _plain(value) for name, value in row.items()}
            for row in queryset.values(*entry.fields)]


def profile_rows(user) -> list[dict]:
    return [{name: _plain(getattr(user, name)) for name in PROFILE_FIELDS}]


def level_rows(user) -> list[dict]:
    """The member's level, worked out from their points total as the site does."""
    if not apps.is_installed("badges"):
        return []
    points = apps.get_model("badges", "UserPoints").objects.filter(user=user).values_list(
        "total", flat=True).first() or 0
    level = apps.get_model("badges", "Level").objects.filter(min_points__lte=points).order_by(
        "-min_points").values("name", "min_points").first()
    return [{"points_total": points, **(level or {"name": "", "min_points": 0})}]


# Sections that are not one model's rows: file -> section -> builder.
EXTRA_SECTIONS: dict[str, dict[str, Callable[[Model], list[dict]]]] = {
    "profile.json": {"account": profile_rows},
    "badges.json": {"level": level_rows},
}


def file_content(file_name: str, user) -> dict[str, list[dict]]:
    content = {section: build(user) for section, build in EXTRA_SECTIONS.get(file_name, {}).items()}
    for label, entry in exports_for(file_name):
        if _model_exists(label):
            content[entry.section] = rows(label, entry, user)
    return content


def _model_exists(label: str) -> bool:
    try:
        apps.get_model(label)
    except LookupError:
        return False
    return True


def readme(user, when: datetime.datetime, site: str) -> str:
    lines = [README_HEAD.format(site=site, username=user.username,
                                when=when.strftime("%Y-%m-%d %H:%M"))]
    for file_name, about in FILES.items():
        sections = [*EXTRA_SECTIONS.get(file_name, {}), *(e.section for _, e in exports_for(file_name))]
        lines.append(f"{file_name}\n    {about}\n    Lists: {', '.join(sections)}.\n")
    # What is kept with a link to members but left out, grouped by the reason.
    reasons: dict[str, list[str]] = {}
    for label, entry in COVERAGE.items():
        if not isinstance(entry, Export):
            reasons.setdefault(entry.reason, []).append(apps.get_model(label)._meta.verbose_name)
    lines.append("Not in this export, and why:\n")
    for reason, names in reasons.items():
        lines.append(f"- {', '.join(str(name) for name in names)}: {reason}")
    return "\n".join(lines) + "\n"


def write_zip(*, user, path: Path, when: datetime.datetime, site: str,
              on_file: Callable[[int, int, str], None] | None = None) -> int:
    """Write the member's export to ``path``; ``on_file(done, total, name)`` is called after
    each file (progress). Returns the ZIP's size in bytes."""
    names = list(FILES)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", readme(user, when, site))
        for done, file_name in enumerate(names, start=1):
            content = file_content(file_name, user)
            archive.writestr(file_name, json.dumps(content, indent=2, ensure_ascii=False,
                                                   sort_keys=False))
            if on_file:
                on_file(done, len(names), file_name)
    return path.stat().st_size
