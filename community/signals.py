"""Site-wide events that no single app owns. Like every domain event they are sent with
``community.events.send_on_commit``: the points engine records hiding and restoring inside
the transaction that did it; receivers hear of them after the commit.

suspected_ring_detected  user_ids (list[int]), evidence (dict: the mutual like counts per
                         pair, the site's base rate, the window in days). Sent after commit
                         when the points engine finds members liking each other's posts far
                         above the site's rate; moderation stores and shows them. Nobody is
                         punished automatically.
content_hidden           content_type_id, object_id, author_id (or None). Sent after commit
                         when moderation hides a piece of content (a post, an idea, a
                         review); the points engine reverses what it earned.
content_restored         content_type_id, object_id, author_id (or None). Sent after commit
                         when moderation makes hidden content visible again; the points
                         engine re-awards what hiding took away.
"""

from django.dispatch import Signal

suspected_ring_detected = Signal()
content_hidden = Signal()
content_restored = Signal()
