"""Hearth's URLconf plus views that let a refusal through, for tests/community/test_refusals.py."""

from django.urls import path

from config.urls import urlpatterns as site_urlpatterns
from ideas.services import IdeaActionRefused
from moderation.services.limits import ActionRateLimited, ActionRefused
from moderation.services.queue import ModerationConflict


def _raising(refusal):
    def view(request):
        raise refusal
    return view


urlpatterns = [
    path("test-refusals/refused/", _raising(ActionRefused("New members cannot post links yet."))),
    path("test-refusals/limited/", _raising(ActionRateLimited("You have reached the limit for now."))),
    path("test-refusals/conflict/", _raising(ModerationConflict("Another moderator acted first."))),
    path("test-refusals/idea/", _raising(IdeaActionRefused("Only community managers can merge ideas."))),
    *site_urlpatterns,
]
