"""Writes for moderation. Content apps use the public API re-exported here:

- ``check_can_act(user=, action=, text=)`` before a member writes (raises ``ActionRefused``);
- ``scan_for_spam(user=, text=, obj=, typed=)`` after saving a member's text, new or edited
  (for an edit, ``typed=added_text(old, new)``, and ``check_can_act`` with the added text);
- ``needs_approval(user=, obj_or_model=)`` / ``hold_for_approval(obj=)`` for pre-moderation;
- ``record_activity(user=, kind=, amount=)`` for trust levels, or ``report_activity(user=,
  amounts=)`` to count a batch in a task after commit (pages: no query in the request), with
  ``first_visit_today(user)`` and ``reading_seconds(user=, words=, posts=)`` to measure it;
- ``flag_content(flagger=, obj=, reason=, note=)``;
- ``report_suspected_ring(user_ids=, evidence=)`` (badges).
"""

from moderation.services.flags import flag_content, hold_for_approval, needs_approval
from moderation.services.limits import ActionRefused, check_can_act
from moderation.services.rings import report_suspected_ring
from moderation.services.spam import added_text, scan_for_spam
from moderation.services.trust import first_visit_today, reading_seconds, record_activity, report_activity

__all__ = [
    "ActionRefused", "added_text", "check_can_act", "flag_content", "hold_for_approval", "needs_approval",
    "first_visit_today", "reading_seconds", "record_activity", "report_activity", "report_suspected_ring",
    "scan_for_spam",
]
