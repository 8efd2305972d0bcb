"""What the rewards services share: refusals and the per-member lock."""

from __future__ import annotations

from badges.models import Level, UserPoints
from community.refusals import Conflict, Invalid, NotPermitted

REDEEMED_REASON = "reward_redeemed"
SOURCE_LABEL = "rewards.redemption"
NOTIFICATION_KIND = "rewards.redemption"


class OutOfStock(Conflict):
    title = "Out of stock"
    default_message = "Sorry, this reward is out of stock. Nothing was spent."


class PoolEmpty(Conflict):
    title = "No codes left"
    default_message = "Sorry, there are no codes left for this reward right now. Nothing was spent."


class LevelTooLow(NotPermitted):
    title = "Reserved for a higher level"


class LimitReached(Invalid):
    title = "Limit reached"


class NotAvailable(Invalid):
    title = "Not available"
    default_message = "This reward is not available right now."


def lock_member(user_id: int) -> None:
    """Serialise one member's redemptions and cancellations until commit.

    The member's points row is the lock: the ledger takes it too (before anything else) when it
    spends, refunds or awards, so taking it first keeps one lock order everywhere (points row,
    then reward, then codes) and no redemption can deadlock with the points engine. A member
    without the row has no points and can redeem only free rewards, which are keyed once."""
    list(UserPoints.objects.select_for_update().filter(user_id=user_id).values_list("pk"))


def at_or_above(level: Level | None, required_id: int, levels: list[Level]) -> bool:
    """Whether a member at ``level`` may have what is reserved for level ``required_id`` and
    above (``levels`` in ladder order; whichever basis set the member's level)."""
    rank = {candidate.pk: index for index, candidate in enumerate(levels)}
    if required_id not in rank:
        return True
    return level is not None and rank.get(level.pk, -1) >= rank[required_id]
