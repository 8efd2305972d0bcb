"""Events badges emits, each sent after the transaction that caused it commits, with ids
(``community.events.send_on_commit``).

badge_granted        user_id, badge_id, grant_id, source_id (0 for single badges)
level_changed        user_id, old_level_id (None below the first level), new_level_id (None
                     when a drop leaves no level), raised (True for a rise; False for a
                     drop, when a 12-month spend ages out: nothing is owed for a drop)
challenge_completed  user_id, challenge_id

Suspected mutual-like rings are announced through ``community.signals.suspected_ring_detected``
(community owns it so moderation can listen without knowing badges).
"""

from django.dispatch import Signal

badge_granted = Signal()
level_changed = Signal()
challenge_completed = Signal()
