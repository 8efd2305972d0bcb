"""The kinds of notification members can receive, and whether each is emailed by default.

Apps register their kinds in ``AppConfig.ready``; the preferences page lists them all.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class NotificationKind:
    key: str
    label: str
    email_by_default: bool


_KINDS: dict[str, NotificationKind] = {}


def register_kind(key: str, label: str, *, email_by_default: bool = False) -> None:
    _KINDS[key] = NotificationKind(key=key, label=label, email_by_default=email_by_default)


def get_kind(key: str) -> NotificationKind:
    return _KINDS.get(key) or NotificationKind(key=key, label=key, email_by_default=False)


def all_kinds() -> list[NotificationKind]:
    return sorted(_KINDS.values(), key=lambda kind: kind.label)
