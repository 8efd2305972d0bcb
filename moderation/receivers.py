"""What moderation listens to from apps it must not import, and the site-wide signals it
relays: hiding and restoring are announced on ``community.signals`` too, so the points
engine (which imports only community) reverses and re-awards what the content earned."""

from community import signals as community_signals
from community.signals import suspected_ring_detected
from moderation import signals as moderation_signals


def on_suspected_ring(sender, user_ids, evidence, **kwargs):
    from moderation.services.rings import report_suspected_ring

    report_suspected_ring(user_ids=user_ids, evidence=evidence)


# Both moderation signals are already sent after commit, so the relay sends at once.
def relay_content_hidden(sender, *, content_type_id, object_id, author_id=None, **kwargs):
    community_signals.content_hidden.send(sender=sender, content_type_id=content_type_id,
                                          object_id=object_id, author_id=author_id)


def relay_content_restored(sender, *, content_type_id, object_id, author_id=None, **kwargs):
    community_signals.content_restored.send(sender=sender, content_type_id=content_type_id,
                                            object_id=object_id, author_id=author_id)


def connect() -> None:
    suspected_ring_detected.connect(on_suspected_ring, dispatch_uid="moderation.suspected_ring")
    moderation_signals.content_hidden.connect(relay_content_hidden, dispatch_uid="moderation.relay_hidden")
    moderation_signals.content_restored.connect(relay_content_restored,
                                                dispatch_uid="moderation.relay_restored")
