"""Moderator actions on queue items, and the stall alarm that keeps the queue moving."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince

from community.events import send_on_commit
from community.models import User
from community.refusals import Conflict
from community.roles import is_community_manager
from community.services.notifications import notify
from moderation.live import RESOLVED, UPDATED, announce_queue_change
from moderation.models import Flag, ModerationAction, QueueItem
from moderation.registry import NotModeratable, adapter_for_content_type, load_object
from moderation.selectors import community_managers
from moderation.services.audit import record_action
from moderation.services.limits import ActionRefused
from moderation.services.members import suspend_member, warn_member
from moderation.signals import content_hidden, content_restored, flag_dismissed, flag_upheld

# Actions that close the item; the others (edit, extra actions, warn, suspend) leave it open.
RESOLVING = {"dismiss", "restore", "hide", "delete"}
BULK_ACTIONS = {"dismiss", "restore", "hide", "delete"}
ACTIONS = RESOLVING | {"edit", "warn", "suspend", "extra"}
# A manager may change their mind about content they let stay: "hide" is also accepted on an
# item already restored (or whose flags were dismissed) while its content is visible.
HIDE_AFTER_ALL = {"approved", "ignored"}


class ModerationConflict(Conflict):
    """Another moderator acted on the item first; nothing was applied."""


@dataclass
class Outcome:
    item: QueueItem
    message: str


def _conflict(item: QueueItem) -> ModerationConflict:
    who = item.resolved_by.name if item.resolved_by else "Another moderator"
    if item.status != QueueItem.Status.PENDING:
        when = timesince(item.resolved_at) if item.resolved_at else "moments"
        return ModerationConflict(
            f"{who} already handled this item ({item.get_status_display().lower()}) {when} ago. "
            "Nothing was changed; the queue below is up to date."
        )
    return ModerationConflict(
        "Someone acted on this item after you opened the page. Nothing was changed: look at it "
        "again below and repeat your action if it is still needed."
    )


def act_on_item(
    *, actor, item_id: int, action: str, version: int, reason: str = "", data: dict | None = None,
    extra_name: str = "",
) -> Outcome:
    """Apply one moderator action to one queue item.

    Guarantees: only community managers; the item row is locked and ``version`` must match
    the one the moderator saw, so when two act at once the first wins and the second gets a
    ModerationConflict with nothing applied; a resolved item takes no action but "hide" after
    a restore or dismissal ("hide it after all", while its content is visible and no newer
    item waits); every action is in the audit log; flaggers are
    told the outcome and the author is told what happened to their content (deduplicated);
    signals are sent after commit.
    """
    if not is_community_manager(actor):
        raise PermissionDenied("Only community managers can moderate.")
    if action not in ACTIONS:
        raise ActionRefused("Unknown moderation action.")
    data = data or {}
    with transaction.atomic():
        item = QueueItem.objects.select_for_update().get(pk=item_id)
        after_all = action == "hide" and item.status in HIDE_AFTER_ALL
        if item.version != version or (item.status != QueueItem.Status.PENDING and not after_all):
            item = QueueItem.objects.select_related("resolved_by").get(pk=item_id)
            raise _conflict(item)
        try:
            adapter = adapter_for_content_type(item.content_type)
            obj = load_object(content_type=item.content_type, object_id=item.object_id)
        except (NotModeratable, ObjectDoesNotExist):
            adapter = obj = None
        if obj is None and action != "dismiss":
            raise ActionRefused("This content no longer exists; only dismissing its flags is possible.")
        if after_all:
            _check_hide_after_all(item, adapter, obj)
        author = adapter.author(obj) if obj is not None else item.author
        snapshot = adapter.excerpt(obj) if obj is not None else item.excerpt
        context = _Context(actor=actor, item=item, adapter=adapter, obj=obj, author=author,
                           snapshot=snapshot, reason=reason.strip())
        message = _HANDLERS[action](context, data=data, extra_name=extra_name)
        item.version = F("version") + 1
        item.save(update_fields=["version"])
        item.refresh_from_db()
        announce_queue_change(item_id=item.pk,
                              change=UPDATED if item.status == QueueItem.Status.PENDING else RESOLVED)
    return Outcome(item=item, message=message)


@dataclass
class _Context:
    actor: User
    item: QueueItem
    adapter: object
    obj: object
    author: User | None
    snapshot: str
    reason: str

    def record(self, action: str, **extra) -> ModerationAction:
        return record_action(
            actor=self.actor, action=action, item=self.item, content_type=self.item.content_type,
            object_id=self.item.object_id, snapshot=self.snapshot, target_user=self.author,
            reason=self.reason, extra=extra,
        )

    def resolve(self, status: str, resolution: str) -> None:
        self.item.status = status
        self.item.resolution = resolution
        self.item.resolved_at = timezone.now()
        self.item.resolved_by = self.actor
        self.item.save(update_fields=["status", "resolution", "resolved_at", "resolved_by"])

    @property
    def label(self) -> str:
        return self.adapter.label if self.adapter else "content"

    @property
    def url(self) -> str:
        return self.adapter.url(self.obj) if self.obj is not None else ""

    def tell_author(self, message: str, key: str) -> None:
        if self.author is not None:
            notify(recipient=self.author, kind="moderation.content_actioned", message=message, url=self.url,
                   actor=self.actor, dedupe_key=f"moderation.{key}.{self.item.pk}")

    def close_flags(self, *, upheld: bool, message: str) -> None:
        status = Flag.Status.UPHELD if upheld else Flag.Status.DISMISSED
        signal = flag_upheld if upheld else flag_dismissed
        flags = list(self.item.flags.filter(status=Flag.Status.PENDING).select_related("flagger"))
        Flag.objects.filter(pk__in=[f.pk for f in flags]).update(status=status, resolved_at=timezone.now())
        QueueItem.objects.filter(pk=self.item.pk).update(score=0)
        for flag in flags:
            send_on_commit(signal, flag_id=flag.pk, flagger_id=flag.flagger_id,
                           author_id=self.author.pk if self.author else None, actor_id=self.actor.pk)
            if flag.flagger is not None:
                notify(recipient=flag.flagger, kind="moderation.flag_outcome", message=message,
                       url=self.url, dedupe_key=f"moderation.flag.{flag.pk}")


def _dismiss(ctx: _Context, **_kwargs) -> str:
    was_hidden = ctx.item.hidden_pending_review
    if was_hidden and ctx.obj is not None:
        ctx.adapter.restore(ctx.obj, actor=ctx.actor)
        send_on_commit(content_restored, item_id=ctx.item.pk, content_type_id=ctx.item.content_type_id,
                       object_id=ctx.item.object_id, author_id=ctx.author.pk if ctx.author else None,
                       actor_id=ctx.actor.pk)
        ctx.tell_author(f"A community manager reviewed your {ctx.label} and it is visible again.", "restored")
    ctx.close_flags(upheld=False, message=f"Thanks for your flag. A community manager reviewed the "
                    f"{ctx.label} and decided it can stay.")
    ctx.resolve(QueueItem.Status.IGNORED, "flags dismissed")
    ctx.record(ModerationAction.Kind.DISMISS)
    return "Flags dismissed" + (" and the content is visible again." if was_hidden else ".")


def _restore(ctx: _Context, **_kwargs) -> str:
    held = ctx.item.kind == QueueItem.Kind.PREMODERATION
    ctx.adapter.restore(ctx.obj, actor=ctx.actor)
    send_on_commit(content_restored, item_id=ctx.item.pk, content_type_id=ctx.item.content_type_id,
                   object_id=ctx.item.object_id, author_id=ctx.author.pk if ctx.author else None,
                   actor_id=ctx.actor.pk)
    if held:
        ctx.tell_author(f"Your {ctx.label} was approved and is now visible to everyone.", "approved")
    else:
        ctx.tell_author(f"A community manager reviewed your {ctx.label} and restored it.", "restored")
    ctx.close_flags(upheld=False, message=f"Thanks for your flag. A community manager reviewed the "
                    f"{ctx.label} and restored it.")
    ctx.resolve(QueueItem.Status.APPROVED, "approved" if held else "restored")
    ctx.record(ModerationAction.Kind.APPROVE if held else ModerationAction.Kind.RESTORE)
    return "Approved: it is visible now." if held else "Restored: it is visible again."


def _check_hide_after_all(item: QueueItem, adapter, obj) -> None:
    if adapter.is_hidden(obj):
        raise ActionRefused("It is already hidden: nothing was changed.")
    if QueueItem.objects.filter(content_type_id=item.content_type_id, object_id=item.object_id,
                                status=QueueItem.Status.PENDING).exists():
        raise ActionRefused("This content has a newer item waiting in the queue: act on that one.")


def _hide(ctx: _Context, **_kwargs) -> str:
    if not ctx.reason:
        raise ActionRefused("Give the reason the author will see when hiding.")
    after = ctx.item.status if ctx.item.status in HIDE_AFTER_ALL else ""
    ctx.adapter.hide(ctx.obj, reason=ctx.reason, actor=ctx.actor)
    send_on_commit(content_hidden, item_id=ctx.item.pk, content_type_id=ctx.item.content_type_id,
                   object_id=ctx.item.object_id, author_id=ctx.author.pk if ctx.author else None,
                   actor_id=ctx.actor.pk, automatic=False)
    ctx.tell_author(f"A community manager hid your {ctx.label}: {ctx.reason}", "hidden")
    ctx.close_flags(upheld=True, message="Thanks for your flag. A community manager agreed and hid the "
                    f"{ctx.label}.")
    ctx.resolve(QueueItem.Status.REJECTED, "hidden after all" if after else "hidden")
    if after:
        # Kept in the log: what the item had been before the manager changed their mind.
        ctx.record(ModerationAction.Kind.HIDE, after=after)
        return "Hidden after all. The author has been told why; the log keeps both decisions."
    ctx.record(ModerationAction.Kind.HIDE)
    return "Hidden. The author has been told why."


def _delete(ctx: _Context, **_kwargs) -> str:
    if not ctx.reason:
        raise ActionRefused("Give the reason the author will see when deleting.")
    ctx.adapter.delete(ctx.obj, actor=ctx.actor)
    ctx.tell_author(f"A community manager removed your {ctx.label}: {ctx.reason}", "deleted")
    ctx.close_flags(upheld=True, message="Thanks for your flag. A community manager agreed and removed the "
                    f"{ctx.label}.")
    ctx.resolve(QueueItem.Status.REJECTED, "deleted")
    ctx.record(ModerationAction.Kind.DELETE)
    return "Deleted. The text is kept in the moderation log."


def _edit(ctx: _Context, *, data: dict, **_kwargs) -> str:
    if ctx.adapter.edit is None:
        raise ActionRefused(f"A {ctx.label} cannot be edited from the queue.")
    ctx.adapter.edit(ctx.obj, data=data, actor=ctx.actor)
    ctx.record(ModerationAction.Kind.EDIT, changed=sorted(data))
    note = f" {ctx.reason}" if ctx.reason else ""
    ctx.tell_author(f"A community manager edited your {ctx.label}.{note}",
                    f"edit{ctx.item.version}")
    return "Saved your edit."


def _extra(ctx: _Context, *, data: dict, extra_name: str, **_kwargs) -> str:
    extra = ctx.adapter.extra_action(extra_name)
    if extra is None or not extra.available(ctx.obj):
        raise ActionRefused("That action is not available for this content.")
    description = extra.run(ctx.obj, actor=ctx.actor, data=data)
    ctx.record(ModerationAction.Kind.EXTRA, name=extra.name, label=extra.label, description=description)
    return description or f"{extra.label}: done."


def _warn(ctx: _Context, **_kwargs) -> str:
    warn_member(actor=ctx.actor, user=ctx.author, reason=ctx.reason, item=ctx.item, checked=True)
    return "Warning sent."


def _suspend(ctx: _Context, *, data: dict, **_kwargs) -> str:
    suspension = suspend_member(actor=ctx.actor, user=ctx.author, days=data.get("days"), reason=ctx.reason,
                                item=ctx.item, checked=True)
    until = f"until {suspension.ends_at:%d %b %Y}" if suspension.ends_at else "permanently"
    return f"{ctx.author.name} is suspended {until}."


_HANDLERS = {
    "dismiss": _dismiss, "restore": _restore, "hide": _hide, "delete": _delete,
    "edit": _edit, "extra": _extra, "warn": _warn, "suspend": _suspend,
}


def bulk_act(*, actor, versions: dict[int, int], action: str, reason: str = "") -> tuple[int, list[str]]:
    """Apply ``action`` to several items, each in its own transaction: one conflict does not
    undo the others. Returns how many were applied and the messages of those that were not."""
    if not is_community_manager(actor):
        raise PermissionDenied("Only community managers can moderate.")
    if action not in BULK_ACTIONS:
        raise ActionRefused("Choose dismiss, restore, hide or delete for a bulk action.")
    if not versions:
        raise ActionRefused("Select at least one item.")
    if action in {"hide", "delete"} and not reason.strip():
        raise ActionRefused("Give the reason the authors will see.")
    done, problems = 0, []
    for item_id, version in versions.items():
        try:
            act_on_item(actor=actor, item_id=item_id, action=action, version=version, reason=reason)
            done += 1
        except (ModerationConflict, ActionRefused) as refusal:
            problems.append(f"Item {item_id}: {refusal.message}")
        except QueueItem.DoesNotExist:
            problems.append(f"Item {item_id}: no such item.")
    return done, problems


def notify_stalled_items(*, now=None) -> int:
    """Tell every community manager about items pending longer than
    HEARTH_MODERATION_STALL_MINUTES. Each item raises the alarm once (claimed with a
    conditional update, so overlapping runs cannot both send it)."""
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=settings.HEARTH_MODERATION_STALL_MINUTES)
    stalled = list(
        QueueItem.objects.filter(status=QueueItem.Status.PENDING, created_at__lte=cutoff,
                                 stall_notified_at__isnull=True).values_list("pk", flat=True)
    )
    if not stalled:
        return 0
    managers = list(community_managers())
    sent = 0
    for item_id in stalled:
        with transaction.atomic():
            claimed = QueueItem.objects.filter(pk=item_id, stall_notified_at__isnull=True).update(
                stall_notified_at=now
            )
            if not claimed:
                continue
            item = QueueItem.objects.get(pk=item_id)
            waited = timesince(item.created_at, now)
            for manager in managers:
                notify(
                    recipient=manager, kind="moderation.stalled",
                    message=f"An item has waited {waited} in the moderation queue: {item.excerpt[:120]}",
                    url=reverse("moderation:queue") + f"?sort=oldest#item-{item.pk}",
                    dedupe_key=f"moderation.stalled.{item.pk}.{settings.HEARTH_MODERATION_STALL_MINUTES}",
                )
            sent += 1
    return sent


def recompute_queue_scores() -> int:
    """Rebuild every pending item's score from its pending flags; returns how many drifted."""
    from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
    from django.db.models.functions import Coalesce

    pending_sum = (
        Flag.objects.filter(item=OuterRef("pk"), status=Flag.Status.PENDING)
        .order_by().values("item").annotate(total=Sum("weight")).values("total")
    )
    actual = Coalesce(Subquery(pending_sum, output_field=DecimalField(max_digits=7, decimal_places=2)),
                      Value(0, output_field=DecimalField(max_digits=7, decimal_places=2)))
    drifted = QueueItem.objects.annotate(actual=actual).exclude(score=F("actual"))
    count = drifted.count()
    if count:
        for item in drifted:
            QueueItem.objects.filter(pk=item.pk).update(score=item.actual)
    return count
