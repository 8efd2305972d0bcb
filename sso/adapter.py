"""allauth's social-account adapter for Hearth (docs/sso.md).

A provider that the environment does not configure has no app: allauth then raises
``SocialApp.DoesNotExist`` from its log-in views, which the OpenID Connect views turn into a
404 and the Google and GitHub ones let through as a server error. ``ProviderNotConfigured``
is both, so every such URL answers 404.
"""

from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from django.http import Http404


class ProviderNotConfigured(Http404, SocialApp.DoesNotExist):
    pass


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def get_app(self, request, provider, client_id=None):
        try:
            return super().get_app(request, provider, client_id=client_id)
        except SocialApp.DoesNotExist:
            raise ProviderNotConfigured(f"Signing in with {provider} is not set up.") from None
