"""Thin Celery tasks: fetch by id, call a service. Each is idempotent."""

from celery import shared_task


@shared_task(acks_late=True)
def attribute_orders_for_address(email_address_id: int) -> int:
    """A member verified an address: give them the orders placed with it (once)."""
    from allauth.account.models import EmailAddress

    from shop.services import attribute_orders

    address = EmailAddress.objects.filter(pk=email_address_id, verified=True).first()
    if address is None:
        return 0
    return len(attribute_orders(user_id=address.user_id, email=address.email))
