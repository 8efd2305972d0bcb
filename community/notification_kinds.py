"""The kinds of notification members can receive, whether each is emailed by default, and
the basis on which it may be emailed at all.

Apps register their kinds in ``AppConfig.ready``; the preferences page lists them all.

Every kind has one basis (docs/privacy.md):

- ``ACCOUNT``: account and security mail (an export is ready, a suspension). Always emailed,
  never listed among the preferences, no unsubscribe link.
- ``COMMUNITY``: community notifications, emailed per the member's preference for the kind
  (its ``email_by_default`` until they choose).
- ``MARKETING``: digests, review requests, offers. Emailed only while the member has a
  recorded, current marketing consent (``community.consents``), and then per their
  preference for the kind as well.

A kind registered with ``frequency=True`` (the activity digest) has no on/off choice: the
member picks how often (``User.digest_frequency``: daily, weekly, monthly, never), and its
one-click unsubscribe sets that to never.
"""

from dataclasses import dataclass

ACCOUNT = "account"
COMMUNITY = "community"
MARKETING = "marketing"
BASES = (ACCOUNT, COMMUNITY, MARKETING)


@dataclass(frozen=True)
class NotificationKind:
    key: str
    label: str
    email_by_default: bool
    basis: str = COMMUNITY
    # The member chooses how often (User.digest_frequency) rather than yes or no.
    frequency: bool = False


_KINDS: dict[str, NotificationKind] = {}


def register_kind(key: str, label: str, *, email_by_default: bool = False,
                  basis: str = COMMUNITY, frequency: bool = False) -> None:
    if basis not in BASES:
        raise ValueError(f"unknown email basis {basis!r} for {key}")
    _KINDS[key] = NotificationKind(key=key, label=label, email_by_default=email_by_default,
                                   basis=basis, frequency=frequency)


def get_kind(key: str) -> NotificationKind:
    return _KINDS.get(key) or NotificationKind(key=key, label=key, email_by_default=False)


def all_kinds() -> list[NotificationKind]:
    return sorted(_KINDS.values(), key=lambda kind: kind.label)


def choosable_kinds() -> list[NotificationKind]:
    """The kinds a member can switch email on or off for: all but account mail and the
    kinds whose choice is a frequency."""
    return [kind for kind in all_kinds() if kind.basis != ACCOUNT and not kind.frequency]


def frequency_kind() -> NotificationKind | None:
    """The kind whose email the member takes at a chosen frequency (the activity digest),
    if an app registered one."""
    return next((kind for kind in all_kinds() if kind.frequency), None)
