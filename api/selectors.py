from django.db.models import QuerySet

from api.models import ApiToken


def tokens_of(*, user) -> QuerySet[ApiToken]:
    """The member's tokens, newest first (revoked ones too, marked)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")
