"""What the shop listens to: a member verifying an email address (allauth), which may be the
address of orders that arrived before. The receiver only owes a task, by id, in the
transaction of the confirmation (community.deferred), so it is not lost if the process dies."""

from allauth.account.signals import email_confirmed

from community.deferred import enqueue_on_commit


def on_email_confirmed(*, email_address, **_):
    from shop import tasks

    enqueue_on_commit(tasks.attribute_orders_for_address, email_address.pk)


def connect() -> None:
    email_confirmed.connect(on_email_confirmed, dispatch_uid="shop.email_confirmed")
