"""Events the reviews app emits, always after the write commits
(``community.events.send_on_commit``). Payloads are ids only.

review_published       review_id, product_id, author_id, rating
review_edited          review_id, product_id, author_id, rating
review_marked_helpful  review_id, voter_id, author_id
brand_replied          review_id, reply_id, staff_id, reviewer_id
review_flagged_negative review_id, product_id, author_id, follow_up_id, p_negative (None if
                       flagged on stars while the text is not scored yet)
followup_resolved      follow_up_id, review_id, actor_id, status ("resolved" or "not_negative")
"""

from django.dispatch import Signal

review_published = Signal()
review_edited = Signal()
review_marked_helpful = Signal()
brand_replied = Signal()
review_flagged_negative = Signal()
followup_resolved = Signal()
