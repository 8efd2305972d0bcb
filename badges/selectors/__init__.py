"""Reads for badges pages. Each sets its own select_related/prefetch_related and runs a
fixed number of queries whatever the number of members or entries.

Callers import from this package (``from badges import selectors``); the modules below it are
split by concern: boards (leaderboards and ranks), standing (levels, and what the activity
digest reads for a batch of members) and member (a member's own achievements, badges,
challenges, balances and points page).
"""

from badges.selectors.boards import BOARDS, RANK_TIMEOUT, Board, BoardRow, leaderboard
from badges.selectors.member import (
    PRIVATE_HISTORY,
    PRIVATE_REASONS,
    TIER_ORDER,
    Achievements,
    Balances,
    PointsPage,
    active_challenges,
    badge_catalogue,
    balances_of,
    entry_labels,
    member_achievements,
    own_entry_label,
    points_page,
    suspected_rings,
)
from badges.selectors.standing import (
    LevelStanding,
    challenges_ending,
    level_standing,
    levels_by_spend,
    standings_of,
)

__all__ = [
    "BOARDS", "PRIVATE_HISTORY", "PRIVATE_REASONS", "RANK_TIMEOUT", "TIER_ORDER", "Achievements",
    "Balances", "Board", "BoardRow", "LevelStanding", "PointsPage", "active_challenges",
    "badge_catalogue", "balances_of", "challenges_ending", "entry_labels", "leaderboard",
    "level_standing", "levels_by_spend", "member_achievements", "own_entry_label", "points_page",
    "standings_of", "suspected_rings",
]
