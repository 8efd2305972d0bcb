"""Events moderation emits, with ids only, through ``community.events.send_on_commit``:
recorders (the points engine, the relay to ``community.signals``) write what an event owes
inside the transaction that caused it; receivers hear of it after the commit, so they can
always load the rows it names.
"""

from django.dispatch import Signal

# A member or the spam scanner flagged content.
# payload: flag_id, item_id, content_type_id, object_id, flagger_id (None for the scanner),
#          author_id (None if the content has no author)
content_flagged = Signal()

# Content was hidden: automatically (flag score reached the threshold, actor_id None) or by a
# moderator. payload: item_id (or None), content_type_id, object_id, author_id, actor_id,
#          automatic (bool)
content_hidden = Signal()

# Hidden content was made visible again by a moderator.
# payload: item_id (or None), content_type_id, object_id, author_id, actor_id
content_restored = Signal()

# A moderator agreed with a flag (the content was hidden or deleted).
# payload: flag_id, flagger_id (None for the scanner), author_id, actor_id
flag_upheld = Signal()

# A moderator disagreed with a flag (flags dismissed or content restored).
# payload: flag_id, flagger_id (None for the scanner), author_id, actor_id
flag_dismissed = Signal()

# A member was suspended. payload: suspension_id, user_id, actor_id, ends_at (None: permanent)
user_suspended = Signal()

# A member's effective trust level changed (promotion, demotion or staff override).
# payload: user_id, old_level, new_level, actor_id (None when computed)
trust_level_changed = Signal()
