"""Site-wide events that no single app owns.

suspected_ring_detected  user_ids (list[int]), evidence (dict: the mutual like counts per
                         pair, the site's base rate, the window in days). Sent after commit
                         when the points engine finds members liking each other's posts far
                         above the site's rate; moderation stores and shows them. Nobody is
                         punished automatically.
"""

from django.dispatch import Signal

suspected_ring_detected = Signal()
