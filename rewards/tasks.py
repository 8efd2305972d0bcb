"""Thin Celery tasks: ids in, one service call. Every task is idempotent: notifications are
keyed per redemption, the entry reward per (member, level), and ended access is not ended
twice."""

from celery import shared_task
from django.db import OperationalError

from rewards.services import access, levels, notices

RETRY = {"autoretry_for": (OperationalError,), "retry_backoff": True, "max_retries": 5,
         "acks_late": True}


@shared_task(**RETRY)
def notify_redemption(redemption_id: int) -> bool:
    return notices.notify_redemption(redemption_id=redemption_id)


@shared_task(**RETRY)
def notify_fulfilment(redemption_id: int) -> bool:
    return notices.notify_fulfilment(redemption_id=redemption_id)


@shared_task(**RETRY)
def issue_level_reward(user_id: int, level_id: int) -> int | None:
    redemption = levels.issue_entry_reward(user_id=user_id, level_id=level_id)
    return redemption.pk if redemption else None


@shared_task(**RETRY)
def end_expired_access() -> int:
    return access.end_expired_access()
