"""Telling creators and supporters what happened to an idea."""

from __future__ import annotations

from community.models import User
from community.services.notifications import notify
from ideas.models import Status, StatusChange


def status_message(change: StatusChange, *, is_creator: bool) -> str:
    idea = change.idea
    subject = f'Your idea "{idea.title}"' if is_creator else f'An idea you support, "{idea.title}",'
    if change.to_status == Status.MERGED and idea.merged_into_id:
        return f'{subject} was merged into "{idea.merged_into.title}"; supports now count there.'
    if change.from_status == Status.MERGED:
        return f"{subject} is no longer merged and is {change.to_label.lower()} again."
    return f"{subject} is now {change.to_label.lower()}."


def notify_of_status_change(*, status_change_id: int, user_ids: list[int]) -> int:
    """Notify each of ``user_ids`` of one status change. Idempotent: the dedupe key makes a
    retried batch create nothing twice. Returns how many notifications were created."""
    change = (
        StatusChange.objects.select_related("idea", "idea__merged_into", "actor")
        .filter(pk=status_change_id).first()
    )
    if change is None:
        return 0
    url = change.idea.get_absolute_url()
    if change.to_status == Status.MERGED and change.idea.merged_into_id:
        url = change.idea.merged_into.get_absolute_url()
    created = 0
    for user in User.objects.filter(pk__in=user_ids, is_active=True):
        is_creator = user.pk == change.idea.creator_id
        if notify(recipient=user, kind="ideas.status", actor=change.actor, url=url,
                  message=status_message(change, is_creator=is_creator),
                  dedupe_key=f"ideas.status:{change.pk}"):
            created += 1
    return created
