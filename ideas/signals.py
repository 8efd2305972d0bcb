"""The events the ideas app emits, with ids only, through ``community.events.send_on_commit``:
recorders (the points engine) write what the event owes inside the transaction that caused
it; receivers hear of it after that transaction commits, so they never see an uncommitted row.

Payloads (keyword arguments besides ``sender``, which is ``Idea``):

- ``idea_submitted``: idea_id, creator_id. A member submitted (or resubmitted) an idea for review.
  An idea held for a community manager's approval is announced when approved, and an idea
  is announced again whenever it is shown after being hidden: receivers ignore repeats.
- ``idea_published``: idea_id, creator_id, actor_id. Staff approved it: it is public and
  gathering support.
- ``idea_supported``: idea_id, user_id, creator_id, support_count.
- ``idea_support_withdrawn``: idea_id, user_id, creator_id, support_count.
- ``idea_milestone_reached``: idea_id, creator_id, supporters (the milestone reached),
  is_final (True when it made the idea achieved).
- ``idea_status_changed``: idea_id, creator_id, status_change_id, from_status, to_status,
  actor_id (None when the clock changed it).
- ``idea_merged``: idea_id (the duplicate), original_id, actor_id, moved_supports,
  undone (True when a merge was undone).
"""

from django.dispatch import Signal

idea_submitted = Signal()
idea_published = Signal()
idea_supported = Signal()
idea_support_withdrawn = Signal()
idea_milestone_reached = Signal()
idea_status_changed = Signal()
idea_merged = Signal()
