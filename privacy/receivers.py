"""Privacy's answers to other apps' events."""

from django.contrib import messages


def cancel_erasure_on_login(sender, request, user, **kwargs) -> None:
    """Logging in during the grace period keeps the account (allauth and Django's
    ``user_logged_in``)."""
    from privacy.services.erasure import cancel_erasure

    if cancel_erasure(user=user) is not None and request is not None:
        messages.success(request, "Welcome back. You logged in, so your account will not be "
                                  "deleted.", fail_silently=True)
