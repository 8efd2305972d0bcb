"""Who may do what to an idea, and which status changes staff may make.

Roles (community.roles):
- community managers and brand staff review submissions (approve, needs work, not approved)
  and record decisions after review (approved, in development, shipped, declined, archived);
- only community managers merge duplicates and undo merges: merging moves other members'
  supports, which is moderation rather than a product decision.
The clock (ideas.services.lifecycle) alone moves ideas to achieved and expired.
"""

from __future__ import annotations

from community.predicates import matches
from community.roles import is_brand_staff, is_community_manager
from ideas import visibility
from ideas.models import Status

# from status -> statuses staff may move it to
STAFF_TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.IN_REVIEW: (Status.GATHERING_SUPPORT, Status.NEEDS_WORK, Status.NOT_APPROVED),
    Status.GATHERING_SUPPORT: (Status.ARCHIVED,),
    Status.ACHIEVED: (Status.APPROVED, Status.NOT_APPROVED, Status.DECLINED),
    Status.APPROVED: (Status.IN_DEVELOPMENT, Status.SHIPPED, Status.DECLINED, Status.ARCHIVED),
    Status.IN_DEVELOPMENT: (Status.SHIPPED, Status.DECLINED, Status.ARCHIVED),
    Status.SHIPPED: (Status.ARCHIVED,),
    Status.DECLINED: (Status.ARCHIVED,),
    Status.NOT_APPROVED: (Status.ARCHIVED,),
    Status.EXPIRED: (Status.ARCHIVED,),
    Status.NEEDS_WORK: (Status.NOT_APPROVED,),
}

# Approving a submission may go without a comment; every other staff decision explains itself.
COMMENT_OPTIONAL = {Status.GATHERING_SUPPORT}

# Ideas in these statuses may be merged into another (closed decisions stay as they are).
MERGEABLE = {Status.IN_REVIEW, Status.NEEDS_WORK, Status.GATHERING_SUPPORT, Status.EXPIRED}

DECISION_LABELS = {
    Status.GATHERING_SUPPORT: "Approve: publish to gather support",
    Status.NEEDS_WORK: "Needs work",
    Status.NOT_APPROVED: "Not approved",
    Status.APPROVED: "Approved",
    Status.IN_DEVELOPMENT: "In development",
    Status.SHIPPED: "Shipped",
    Status.DECLINED: "Declined",
    Status.ARCHIVED: "Archive",
}


def can_review(user) -> bool:
    return is_community_manager(user) or is_brand_staff(user)


def can_merge(user) -> bool:
    return is_community_manager(user)


def staff_choices(status: str) -> list[tuple[str, str]]:
    return [(to, DECISION_LABELS[to]) for to in STAFF_TRANSITIONS.get(status, ())]


def can_view(user, idea) -> bool:
    """The rule of ``Idea.objects.visible_to``, for an idea in hand (``ideas.visibility``)."""
    return matches(idea, visibility.idea_visible_to(user))
