"""Events rewards emits, each sent after the transaction that caused it commits, with ids
(``community.events.send_on_commit``).

redemption_created  redemption_id, member_id, reward_id, points (0 for a level's free entry
                    reward). Sent once, when a redemption is made (a repeated request with
                    the same idempotency key returns the first and sends nothing).
"""

from django.dispatch import Signal

redemption_created = Signal()
