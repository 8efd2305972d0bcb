"""The events the forum announces to other parts of Hearth (badges, moderation...).

Every signal is sent by forum.services after the transaction that made the change has
committed, with ids rather than model instances (a receiver loads what it needs, and never
sees a row that could still be rolled back). ``sender`` is always the model class named.
Receivers must not raise: a failure is logged and does not undo the committed write.
"""

from django.dispatch import Signal

# topic_created and post_created mean "now visible to the community": sent on creation, or
# for a post held for approval when it is approved, and again whenever a hidden post is
# shown. Receivers must treat a repeat as a no-op.

# sender=Topic; topic_id, post_id (the opening post), category_id, author_id
topic_created = Signal()

# sender=Post; post_id, topic_id, author_id, post_number, reply_to_id (None unless quoting)
# Not sent for the opening post of a topic (topic_created covers it).
post_created = Signal()

# sender=Post; post_id, topic_id, author_id, editor_id, revision_number
post_edited = Signal()

# sender=Post; post_id, topic_id, author_id, actor_id (who deleted it), was_first_post
post_deleted = Signal()

# sender=Post; post_id, topic_id, author_id (who wrote the post), actor_id (who liked it)
post_liked = Signal()

# sender=Post; post_id, topic_id, author_id, actor_id (who withdrew the like)
post_unliked = Signal()

# sender=Topic; topic_id, post_id (the answer), answer_author_id, topic_author_id, actor_id,
# previous_post_id (the answer it replaced, or None)
answer_accepted = Signal()
