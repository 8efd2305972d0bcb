"""Thin Celery tasks: ids in, one service call, retries on transient database errors. Each is
idempotent: a referral is settled once however often its order is announced."""

from celery import shared_task
from django.db import OperationalError

from referrals import notices, services

RETRY = {"autoretry_for": (OperationalError,), "retry_backoff": True, "max_retries": 5,
         "acks_late": True}


@shared_task(**RETRY)
def settle_paid_order(order_id: int, user_id: int, email: str = "", customer_id: str = "",
                      is_first_order: bool | None = None) -> str:
    referral = services.settle_paid_order(order_id=order_id, user_id=user_id, email=email,
                                          customer_id=customer_id, is_first_order=is_first_order)
    return referral.state if referral is not None else "none"


@shared_task(**RETRY)
def notify_friend_joined(referral_id: int) -> None:
    notices.friend_joined(referral_id=referral_id)


@shared_task(**RETRY)
def notify_settled(referral_id: int) -> None:
    """Tell the members how a settled or decided referral ended (completed, held or
    rejected); each notice is sent at most once."""
    notices.settled(referral_id=referral_id)
