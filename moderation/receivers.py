"""What moderation listens to from apps it must not import."""

from community.signals import suspected_ring_detected


def on_suspected_ring(sender, user_ids, evidence, **kwargs):
    from moderation.services.rings import report_suspected_ring

    report_suspected_ring(user_ids=user_ids, evidence=evidence)


def connect() -> None:
    suspected_ring_detected.connect(on_suspected_ring, dispatch_uid="moderation.suspected_ring")
