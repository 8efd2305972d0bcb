"""Writes for ideas. Every service checks permission and validity, writes inside
``transaction.atomic`` and registers its side effects to run after commit."""

from ideas.services._core import IdeaActionRefused
from ideas.services.comments import add_comment
from ideas.services.lifecycle import refresh_trending, run_lifecycle
from ideas.services.merge import merge_idea, unmerge_idea
from ideas.services.submission import decide_idea, resubmit_expired_idea, revise_idea, submit_idea
from ideas.services.support import cast_support, withdraw_support

__all__ = [
    "IdeaActionRefused", "add_comment", "cast_support", "decide_idea", "merge_idea",
    "refresh_trending", "resubmit_expired_idea", "revise_idea", "run_lifecycle", "submit_idea",
    "unmerge_idea", "withdraw_support",
]
