"""What sso listens to: a new member who signed up through a provider (allauth's
``user_signed_up`` with a ``sociallogin``).

allauth marks an address the provider says it verified as verified without sending
``email_confirmed``, which is what the rest of Hearth hears an address confirmed by (community
welcomes the member, the shop gives them the orders placed with it). So it is sent here for
each such address, in the sign-up's own transaction.
"""

from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed, user_signed_up


def on_user_signed_up(sender, request=None, user=None, sociallogin=None, **_):
    if sociallogin is None or user is None:
        return
    for address in EmailAddress.objects.filter(user=user, verified=True):
        email_confirmed.send(sender=EmailAddress, request=request, email_address=address)


def connect() -> None:
    user_signed_up.connect(on_user_signed_up, dispatch_uid="sso.user_signed_up")
