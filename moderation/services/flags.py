"""Flags, their weight, the review queue they feed, automatic hiding and pre-moderation.

Flag weight (documented in docs/moderation.md):

    weight = HEARTH_MODERATION_TRUST_WEIGHTS[flagger's trust level] x accuracy
    accuracy = clamp(2 x (upheld + 1) / (upheld + dismissed + 2), 0.25, 2.0)

so a member with no history flags at their level's base weight, each upheld flag raises it
towards twice that, each dismissed flag lowers it towards a quarter (Laplace-smoothed, as
Discourse's flagger accuracy bonus). Community managers flag with
HEARTH_MODERATION_STAFF_FLAG_WEIGHT. Content is hidden pending review once the pending
weights of an item reach HEARTH_MODERATION_HIDE_THRESHOLD.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q

from community.events import send_on_commit
from community.roles import is_community_manager
from community.services.notifications import notify
from moderation.live import ADDED, UPDATED, announce_queue_change
from moderation.models import Flag, FlagReason, ModerationAction, QueueItem
from moderation.registry import NotModeratable, adapter_for
from moderation.selectors import trust_level_of
from moderation.services.audit import record_action
from moderation.services.limits import ActionRefused, check_can_act
from moderation.signals import content_flagged, content_hidden

AUTO_HIDE_REASON = (
    "Hidden automatically after several members flagged it ({reasons}). "
    "A community manager will review it soon."
)
HOLD_REASON = "Waiting for a community manager's approval."


def flag_weight(*, flagger) -> Decimal:
    """The weight a new flag by ``flagger`` carries (see the module docstring)."""
    if is_community_manager(flagger):
        return Decimal(str(settings.HEARTH_MODERATION_STAFF_FLAG_WEIGHT))
    base = Decimal(str(settings.HEARTH_MODERATION_TRUST_WEIGHTS[trust_level_of(flagger)]))
    history = Flag.objects.filter(flagger=flagger).aggregate(
        upheld=Count("id", filter=Q(status=Flag.Status.UPHELD)),
        dismissed=Count("id", filter=Q(status=Flag.Status.DISMISSED)),
    )
    accuracy = Decimal(2 * (history["upheld"] + 1)) / Decimal(history["upheld"] + history["dismissed"] + 2)
    accuracy = min(Decimal("2.0"), max(Decimal("0.25"), accuracy))
    return max(Decimal("0.05"), (base * accuracy).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _open_item(*, obj, adapter, kind: str = QueueItem.Kind.FLAGGED) -> QueueItem:
    """The pending queue item for ``obj``, created if there is none, locked for this
    transaction. The conditional unique constraint makes concurrent creators converge."""
    content_type = ContentType.objects.get_for_model(obj)
    author = adapter.author(obj)
    try:
        with transaction.atomic():
            created = QueueItem.objects.create(
                content_type=content_type, object_id=obj.pk, kind=kind,
                author=author, excerpt=adapter.excerpt(obj)[:300],
            )
        announce_queue_change(item_id=created.pk, change=ADDED)
    except IntegrityError:
        pass  # another request opened it first: use theirs
    return QueueItem.objects.select_for_update().get(
        content_type=content_type, object_id=obj.pk, status=QueueItem.Status.PENDING
    )


def flag_content(*, flagger, obj, reason: str, note: str = "") -> Flag:
    """Flag ``obj`` for moderators.

    Guarantees: only what the flagger can see on the site is flagged (the adapter's
    ``visible_to``: never someone else's hidden, held or deleted content); a member flags an
    object at most once (a unique constraint) and never their own content; "other" needs a
    note; flags count against the flagger's rate limit and
    suspended members are refused (ActionRefused with a clear message). The item's score
    moves with F() under a row lock; when it reaches the threshold the content is hidden once
    and its author told why. ``content_flagged`` (and ``content_hidden``) are sent after
    commit.
    """
    try:
        adapter = adapter_for(obj)
    except NotModeratable:
        raise ActionRefused("This cannot be flagged.") from None
    if not adapter.visible_to(obj, flagger):
        # Same words as for a missing object: a refusal must not confirm hidden content exists.
        raise ActionRefused("There is nothing to flag here.")
    if reason not in FlagReason.values:
        raise ActionRefused("Choose why you are flagging this.")
    note = note.strip()
    if reason == FlagReason.OTHER and not note:
        raise ActionRefused("Tell the moderators what is wrong: a note is needed for “Something else”.")
    author = adapter.author(obj)
    if author is not None and author.pk == flagger.pk:
        raise ActionRefused(f"You cannot flag your own {adapter.label}.")
    content_type = ContentType.objects.get_for_model(obj)
    if Flag.objects.filter(flagger=flagger, content_type=content_type, object_id=obj.pk).exists():
        raise ActionRefused(f"You have already flagged this {adapter.label}. Moderators will look at it.")
    check_can_act(user=flagger, action="flag")
    weight = flag_weight(flagger=flagger)
    try:
        with transaction.atomic():
            item = _open_item(obj=obj, adapter=adapter)
            flag = Flag.objects.create(
                content_type=content_type, object_id=obj.pk, item=item, flagger=flagger,
                reason=reason, note=note[:500], weight=weight,
            )
            _add_to_score(item=item, flag=flag, obj=obj, adapter=adapter)
    except IntegrityError:
        raise ActionRefused(
            f"You have already flagged this {adapter.label}. Moderators will look at it."
        ) from None
    return flag


def raise_system_flag(*, obj, signal: str, note: str) -> Flag | None:
    """An automatic spam flag (no flagger). At most one per signal per object; returns None
    when this signal had already flagged it."""
    adapter = adapter_for(obj)
    content_type = ContentType.objects.get_for_model(obj)
    try:
        with transaction.atomic():
            item = _open_item(obj=obj, adapter=adapter)
            flag = Flag.objects.create(
                content_type=content_type, object_id=obj.pk, item=item, flagger=None, signal=signal,
                reason=FlagReason.SPAM, note=note[:500],
                weight=Decimal(str(settings.HEARTH_SPAM_FLAG_WEIGHT)),
            )
            _add_to_score(item=item, flag=flag, obj=obj, adapter=adapter)
    except IntegrityError:
        return None
    return flag


def _add_to_score(*, item: QueueItem, flag: Flag, obj, adapter) -> None:
    QueueItem.objects.filter(pk=item.pk).update(score=F("score") + flag.weight)
    item.refresh_from_db(fields=["score"])
    announce_queue_change(item_id=item.pk, change=UPDATED)
    author = adapter.author(obj)
    send_on_commit(
        content_flagged, flag_id=flag.pk, item_id=item.pk, content_type_id=flag.content_type_id,
        object_id=flag.object_id, flagger_id=flag.flagger_id, author_id=author.pk if author else None,
    )
    threshold = Decimal(str(settings.HEARTH_MODERATION_HIDE_THRESHOLD))
    if item.hidden_pending_review or item.score < threshold or adapter.is_hidden(obj):
        return
    reasons = ", ".join(sorted({FlagReason(f.reason).label.lower() for f in item.flags.all()}))
    hide_reason = AUTO_HIDE_REASON.format(reasons=reasons)
    adapter.hide(obj, reason=hide_reason, actor=None)
    QueueItem.objects.filter(pk=item.pk).update(hidden_pending_review=True, version=F("version") + 1)
    record_action(
        actor=None, action=ModerationAction.Kind.AUTO_HIDE, obj=obj, snapshot=adapter.excerpt(obj),
        target_user=author, item=item, reason=hide_reason, extra={"score": str(item.score)},
    )
    send_on_commit(
        content_hidden, item_id=item.pk, content_type_id=item.content_type_id, object_id=item.object_id,
        author_id=author.pk if author else None, actor_id=None, automatic=True,
    )
    if author is not None:
        notify(
            recipient=author, kind="moderation.content_actioned",
            message=f"Your {adapter.label} was hidden pending review: members flagged it as {reasons}. "
            "A community manager will look at it soon.",
            url=adapter.url(obj), dedupe_key=f"moderation.autohide.{item.pk}",
        )


# --- Pre-moderation ------------------------------------------------------------------------

def needs_approval(*, user, obj_or_model) -> bool:
    """Whether content of this model by ``user`` is held for approval, per
    HEARTH_PREMODERATE ({"app_label.model": "off" | "new_members" | "everyone"})."""
    if is_community_manager(user):
        return False
    label = obj_or_model._meta.label_lower
    policy = settings.HEARTH_PREMODERATE.get(label, "off")
    if policy == "everyone":
        return True
    if policy == "new_members":
        return trust_level_of(user) < settings.HEARTH_PREMODERATE_UNTIL_LEVEL
    return False


def hold_for_approval(*, obj, reason: str = "pre-moderation") -> QueueItem:
    """Hide ``obj`` until a community manager approves it, and queue it.

    Guarantees: at most one pending item per object; the content is hidden (through its
    adapter) in the same transaction; the author is told it is waiting. Approving is the
    queue's "restore"; rejecting is "hide" or "delete".
    """
    adapter = adapter_for(obj)
    with transaction.atomic():
        item = _open_item(obj=obj, adapter=adapter, kind=QueueItem.Kind.PREMODERATION)
        if item.kind != QueueItem.Kind.PREMODERATION or not item.hidden_pending_review:
            QueueItem.objects.filter(pk=item.pk).update(
                kind=QueueItem.Kind.PREMODERATION, hidden_pending_review=True
            )
            adapter.hide(obj, reason=HOLD_REASON, actor=None)
            author = adapter.author(obj)
            record_action(
                actor=None, action=ModerationAction.Kind.HOLD, obj=obj, snapshot=adapter.excerpt(obj),
                target_user=author, item=item, reason=reason,
            )
            if author is not None:
                notify(
                    recipient=author, kind="moderation.content_actioned",
                    message=f"Thanks! Your {adapter.label} is waiting for a community manager's approval "
                    "(new members' first posts are checked before they appear).",
                    url=adapter.url(obj), dedupe_key=f"moderation.hold.{item.pk}",
                )
        item.refresh_from_db()
    return item
