"""The audit log writer: every moderator and staff action goes through ``record_action``."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType

from moderation.models import ModerationAction, QueueItem


def record_action(
    *,
    actor,
    action: str,
    obj=None,
    content_type: ContentType | None = None,
    object_id: int | None = None,
    snapshot: str = "",
    target_user=None,
    item: QueueItem | None = None,
    reason: str = "",
    extra: dict | None = None,
) -> ModerationAction:
    """Append one row to the audit log, inside the caller's transaction (so the log and the
    change it records commit or roll back together)."""
    if obj is not None:
        content_type = ContentType.objects.get_for_model(obj)
        object_id = obj.pk
    elif item is not None and content_type is None:
        content_type, object_id = item.content_type, item.object_id
    return ModerationAction.objects.create(
        actor=actor,
        action=action,
        content_type=content_type,
        object_id=object_id,
        snapshot=snapshot[:2000],
        target_user=target_user,
        item=item,
        reason=reason[:500],
        extra=extra or {},
    )
