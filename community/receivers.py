"""What the community app listens to from libraries it does not own."""

from allauth.account.signals import email_confirmed


def on_email_confirmed(sender, request, email_address, **kwargs):
    from community.services.accounts import welcome_member

    welcome_member(user=email_address.user)


def connect() -> None:
    email_confirmed.connect(on_email_confirmed, dispatch_uid="community.welcome_on_confirm")
