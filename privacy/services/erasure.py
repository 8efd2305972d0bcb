"""Writes for deleting a member's account (issue 19, part 2).

A member asks (``request_erasure``, with their password): the deletion is scheduled
HEARTH_PRIVACY_ERASURE_GRACE_DAYS (14) on, and logging in before then cancels it
(``cancel_erasure``, from allauth's ``user_logged_in``). The hourly task
``erase_due_members`` then anonymises each due member in a transaction of their own. A
community manager may anonymise a member at once (``anonymise_member``, written to the
moderation audit log).

What anonymising does to every model that relates to members is the ``ERASURE`` table in
``privacy/coverage.py``; this module applies it, anonymises the member's own row, rewrites
@mentions of them in others' texts, ends their sessions and rebuilds the counters their
deleted content fed. Other apps' models are reached by label (privacy imports community
only).
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast, Concat, Replace
from django.urls import reverse
from django.utils import timezone

from community import cache_versions
from community.counters import all_recomputers
from community.markdown import MENTION, extract_mentions, render_markdown
from community.refusals import Conflict, Invalid, NotPermitted
from community.roles import is_community_manager, is_staff_member
from community.services.notifications import notify
from privacy.coverage import (
    BLANK,
    CONTENT,
    COVERAGE,
    DELETE,
    ERASED_PROFILE,
    ERASURE,
    NOW,
    UNIQUE_EMAIL,
    Export,
)
from privacy.models import DataExport, Erasure

logger = logging.getLogger(__name__)

SCHEDULED_KIND = "privacy.erasure_scheduled"
CANCELLED_KIND = "privacy.erasure_cancelled"

# Texts of other members that may @mention the erased member: (model, text field, its
# rendered HTML or None, the cached page it is shown on as (kind, field) or None).
MENTIONING_TEXTS = (
    ("forum.Post", "body", "body_html", ("topic", "topic_id")),
    ("forum.PostRevision", "body", None, None),
    ("ideas.IdeaComment", "body", "body_html", ("idea", "idea_id")),
    ("ideas.Idea", "description", "description_html", ("idea", "pk")),
)
# The cached pages showing content the member chose to delete.
CONTENT_PAGES = {
    "forum.Post": ("topic", "topic_id"),
    "ideas.IdeaComment": ("idea", "idea_id"),
    "reviews.Review": ("product", "product_id"),
}


def grace_days() -> int:
    return settings.HEARTH_PRIVACY_ERASURE_GRACE_DAYS


def request_erasure(*, user, password: str, delete_content: bool = False) -> Erasure:
    """Schedule the deletion of ``user``'s account ``grace_days()`` from now, after checking
    their password (``Invalid`` when it is wrong: nothing is changed). Emails them the date
    (account mail). A second request while one is scheduled returns the scheduled one: a
    double submit makes one erasure (the member's row is locked, and a partial unique
    constraint backs it)."""
    if not password or not user.check_password(password):
        raise Invalid("That is not your password. Nothing was changed: your account stays.")
    now = timezone.now()
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        pending = Erasure.objects.filter(user=user, state=Erasure.State.PENDING).first()
        if pending is not None:
            return pending
        erasure = Erasure.objects.create(user=user, requested_at=now, delete_content=delete_content,
                                         due_at=now + timedelta(days=grace_days()))
        notify(recipient=user, kind=SCHEDULED_KIND,
               message=(f"Your account will be deleted on {erasure.due_at:%d %b %Y}. Changed "
                        "your mind? Log in before then and it stays."),
               url=reverse("privacy:settings"), dedupe_key=f"privacy.erasure:{erasure.pk}")
        # Logged out everywhere: the next login is the member changing their mind.
        _end_sessions(user.pk, now)
    return erasure


def cancel_erasure(*, user) -> Erasure | None:
    """Cancel ``user``'s scheduled deletion (they logged in during the grace period) and
    email them that their account stays. Returns the cancelled erasure, or None when none
    was scheduled. A deletion already running is not cancelled (its row is locked until it
    commits, and then it is no longer pending)."""
    now = timezone.now()
    with transaction.atomic():
        erasure = (Erasure.objects.select_for_update().filter(user=user, state=Erasure.State.PENDING)
                   .first())
        if erasure is None:
            return None
        erasure.state, erasure.cancelled_at = Erasure.State.CANCELLED, now
        erasure.save(update_fields=["state", "cancelled_at"])
        notify(recipient=user, kind=CANCELLED_KIND,
               message="You logged in, so your account will not be deleted. Welcome back.",
               url=reverse("privacy:settings"), dedupe_key=f"privacy.erasure_cancelled:{erasure.pk}")
    return erasure


def erase_due_members(*, now=None, limit: int = 100) -> int:
    """Anonymise every member whose grace period is over, each in a transaction of its own
    (a failure rolls back that member only and is retried at the next run). Rows are claimed
    with ``select_for_update(skip_locked=True)``, so two runs never erase the same member.
    Idempotent: an erasure done or cancelled is left alone. Returns how many were erased."""
    now = now or timezone.now()
    erased = 0
    failed: set[int] = set()
    for _ in range(limit):
        claimed = None
        try:
            with transaction.atomic():
                erasure = (Erasure.objects.select_for_update(skip_locked=True)
                           .filter(state=Erasure.State.PENDING, due_at__lte=now)
                           .exclude(pk__in=failed).order_by("due_at", "pk").first())
                if erasure is None:
                    break
                claimed = erasure.pk
                erase_member(erasure=erasure, now=now)
        except Exception:
            if claimed is None:
                raise
            logger.exception("Erasure %s failed; it is tried again at the next run", claimed)
            failed.add(claimed)
            continue
        erased += 1
    return erased


def anonymise_member(*, actor, user, delete_content: bool = False, reason: str = "") -> Erasure:
    """A community manager anonymises ``user`` at once (no grace period), as erasure does,
    and the audit log records it. Refuses (``NotPermitted``) anyone but a community manager,
    and staff accounts or the manager's own; (``Conflict``) an account already anonymised."""
    if not is_community_manager(actor):
        raise NotPermitted("Only community managers can anonymise a member.")
    if user.pk == actor.pk or user.is_superuser or is_staff_member(user):
        raise NotPermitted("Staff accounts are not anonymised from here: remove their role first.")
    now = timezone.now()
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        if Erasure.objects.filter(user=user, state=Erasure.State.DONE).exists():
            raise Conflict("This member's account is already anonymised.")
        erasure = Erasure.objects.filter(user=user, state=Erasure.State.PENDING).first()
        if erasure is None:
            erasure = Erasure.objects.create(user=user, requested_at=now, due_at=now)
        erasure.requested_by, erasure.delete_content = actor, delete_content
        erasure.save(update_fields=["requested_by", "delete_content"])
        erase_member(erasure=erasure, now=now)
        apps.get_model("moderation.ModerationAction").objects.create(
            actor=actor, action="anonymise", target_user=user, reason=reason[:500],
            snapshot=f"Anonymised as {erasure.former_name}"
                     + (" (their content deleted)" if delete_content else ""),
            extra={"erasure": erasure.pk, "delete_content": delete_content}, created_at=now)
    return erasure


def erase_member(*, erasure: Erasure, now) -> None:
    """Anonymise the member of ``erasure`` inside the caller's transaction, as the ERASURE
    table says, and mark it done. The caller holds the erasure's row."""
    User = get_user_model()
    user = User.objects.select_for_update().get(pk=erasure.user_id)
    old_username, old_names = user.username, {user.username, user.display_name} - {""}
    # Every selection is built before anything is deleted: purchase records are matched by
    # the email addresses the member had.
    selections = {label: _rows_of(label, user) for label in ERASURE}
    export_files = list(DataExport.objects.filter(user=user).exclude(file_name="")
                        .values_list("file_name", flat=True))
    recompute: set[str] = set()
    pages: set[tuple[str, int]] = set()
    for label, erase in ERASURE.items():
        model = apps.get_model(label)
        rows = model._default_manager.filter(selections[label])
        if erase.action == DELETE:
            rows.delete()
        elif erase.action == BLANK:
            rows.update(**_values(erase.values, now))
        elif erase.action == CONTENT and erasure.delete_content:
            if label in CONTENT_PAGES:
                kind, field = CONTENT_PAGES[label]
                pages |= {(kind, pk) for pk in rows.values_list(field, flat=True).distinct()}
            changed = list(rows.values_list("pk", flat=True)) if label == "forum.Post" else []
            if erase.hard:
                rows.delete()
            else:
                rows.update(**_values(erase.values, now))
            _reindex(label, changed)
            recompute.update(erase.recompute)

    _anonymise_row(user, erasure, now)
    pages |= _rewrite_mentions(old_username, erasure.former_name)
    _rewrite_names(user, old_names, erasure.former_name)
    erasure.state, erasure.erased_at = Erasure.State.DONE, now
    try:
        with transaction.atomic():
            erasure.save(update_fields=["state", "erased_at"])
    except IntegrityError:
        raise Conflict("This member's account is already anonymised.") from None

    recomputers = dict(all_recomputers())
    for name in sorted(recompute):
        recomputers[name]()
    _end_sessions(user.pk, now)
    cache_versions.bump_members()
    for kind, pk in pages:
        cache_versions.bump(kind, pk)
    if pages:
        cache_versions.bump("forum", 0)

    def delete_files() -> None:
        from privacy.services.exports import export_dir

        for name in export_files:
            (export_dir() / name).unlink(missing_ok=True)

    transaction.on_commit(delete_files, robust=True)


def _rows_of(label: str, user) -> Q:
    erase = ERASURE[label]
    if erase.by:
        return Q(**{erase.by: user})
    entry = COVERAGE.get(label)
    if isinstance(entry, Export):
        return entry.rows_of(user)
    return Q(pk__in=[])  # kept rows need no selection


def _values(values: dict[str, object], now) -> dict[str, object]:
    resolved = {}
    for name, value in values.items():
        if value == NOW:
            value = now
        elif value == UNIQUE_EMAIL:
            value = Concat(Value("erased-"), Cast("pk", CharField()), Value("@erased.invalid"))
        resolved[name] = value
    return resolved


def _anonymise_row(user, erasure: Erasure, now) -> None:
    avatar = user.avatar.name if user.avatar else ""
    for name, value in ERASED_PROFILE.items():
        setattr(user, name, value)
    user.username = erasure.former_username
    user.display_name = erasure.former_name
    user.is_active = False
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    if avatar:
        storage = type(user)._meta.get_field("avatar").storage
        transaction.on_commit(lambda: storage.delete(avatar), robust=True)


def _mentionable(body: str) -> set[str]:
    names = extract_mentions(body)
    if not names:
        return set()
    return {name.lower() for name in get_user_model().objects.filter(
        username__in=names, is_active=True).values_list("username", flat=True)}


def rewrite_mentions_in(text: str, username: str, replacement: str) -> str:
    """``text`` with each @mention of ``username`` (any case) replaced by ``replacement``."""
    lowered = username.lower()
    return MENTION.sub(lambda m: replacement if m.group(1).lower() == lowered else m.group(0), text)


def _rewrite_mentions(username: str, former_name: str) -> set[tuple[str, int]]:
    """Rewrite @username in every text that may mention the member, re-rendering its HTML;
    returns the cached pages to refresh."""
    pages: set[tuple[str, int]] = set()
    pattern = re.escape(f"@{username}")
    for label, text_field, html_field, page in MENTIONING_TEXTS:
        model = apps.get_model(label)
        candidates = model._default_manager.filter(**{f"{text_field}__iregex": pattern})
        changed = []
        for row in candidates:
            text = getattr(row, text_field)
            rewritten = rewrite_mentions_in(text, username, former_name)
            if rewritten == text:
                continue
            setattr(row, text_field, rewritten)
            fields = [text_field]
            if html_field:
                setattr(row, html_field, render_markdown(rewritten, mentionable=_mentionable(rewritten)))
                fields.append(html_field)
            model._default_manager.filter(pk=row.pk).update(**{f: getattr(row, f) for f in fields})
            changed.append(row.pk)
            if page:
                pages.add((page[0], getattr(row, page[1])))
        _reindex(label, changed)
    return pages


def _rewrite_names(user, old_names: set[str], former_name: str) -> None:
    """Notifications the member caused for others named them ("alice replied"): those
    messages now name the former member."""
    Notification = apps.get_model("community.Notification")
    # Longest first, so a display name containing the username is replaced whole.
    for old in sorted(old_names, key=len, reverse=True):
        Notification.objects.filter(actor=user, message__contains=old).update(
            message=Replace("message", Value(old), Value(former_name)))


def _reindex(label: str, pks: list[int]) -> None:
    """Keep the site search from finding texts that are gone or renamed."""
    if not pks:
        return
    from wagtail.search import index

    model = apps.get_model(label)
    if not issubclass(model, index.Indexed):
        return
    for obj in model._default_manager.filter(pk__in=pks):
        index.insert_or_update_object(obj)


def _end_sessions(user_id: int, now) -> None:
    """Delete the member's sessions (their password is unusable now too, which ends any
    session Django has not been asked about yet)."""
    from django.contrib.sessions.models import Session

    store = import_module(settings.SESSION_ENGINE).SessionStore
    decoder = store()
    mine = [key for key, data in Session.objects.filter(expire_date__gt=now)
            .values_list("session_key", "session_data").iterator()
            if str(decoder.decode(data).get("_auth_user_id")) == str(user_id)]
    for key in mine:
        store(session_key=key).delete()
