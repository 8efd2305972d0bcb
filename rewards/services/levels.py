"""Levels with perks: a level's entry reward is issued for free to each member who reaches
the level (``badges.signals.level_changed`` -> ``rewards.tasks.issue_level_reward``)."""

from __future__ import annotations

import logging

from community.models import User
from community.refusals import Refusal
from rewards.models import LevelPerk, Redemption
from rewards.services.redemption import redeem

logger = logging.getLogger(__name__)


def entry_key(level_id: int) -> str:
    return f"level-entry-{level_id:08d}"


def issue_entry_reward(*, user_id: int, level_id: int) -> Redemption | None:
    """Redeem the level's entry reward for the member, for free, once per (member, level):
    its idempotency key is the level's. Returns the redemption, or None when the level has
    none, the member is gone, or it cannot be given (out of stock, no codes: logged)."""
    perk = LevelPerk.objects.filter(level_id=level_id, entry_reward__isnull=False).first()
    member = User.objects.filter(pk=user_id, is_active=True).first()
    if perk is None or member is None:
        return None
    try:
        return redeem(member=member, reward_id=perk.entry_reward_id,
                      idempotency_key=entry_key(level_id), free=True)
    except Refusal as refusal:
        logger.warning("Entry reward of level %s not issued to member %s: %s", level_id,
                       user_id, refusal.message)
        return None
