"""What moderation listens to from apps it must not import, and the site-wide signals it
relays: hiding and restoring are announced on ``community.signals`` too, so the points
engine (which imports only community) reverses and re-awards what the content earned.
The relays are recorders (``community.events``): they run in the transaction that hid or
restored the content, so what the points engine records commits with it."""

from community import signals as community_signals
from community.events import record_with, send_on_commit
from community.signals import suspected_ring_detected
from moderation import signals as moderation_signals


def on_suspected_ring(sender, user_ids, evidence, **kwargs):
    from moderation.services.rings import report_suspected_ring

    report_suspected_ring(user_ids=user_ids, evidence=evidence)


def relay_content_hidden(sender, *, content_type_id, object_id, author_id=None, **kwargs):
    send_on_commit(community_signals.content_hidden, sender=sender, content_type_id=content_type_id,
                   object_id=object_id, author_id=author_id)


def relay_content_restored(sender, *, content_type_id, object_id, author_id=None, **kwargs):
    send_on_commit(community_signals.content_restored, sender=sender,
                   content_type_id=content_type_id, object_id=object_id, author_id=author_id)


def connect() -> None:
    suspected_ring_detected.connect(on_suspected_ring, dispatch_uid="moderation.suspected_ring")
    record_with(moderation_signals.content_hidden, relay_content_hidden, uid="moderation.relay_hidden")
    record_with(moderation_signals.content_restored, relay_content_restored,
                uid="moderation.relay_restored")
