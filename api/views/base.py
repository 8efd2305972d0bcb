"""What every endpoint shares: who may call (``permissions``), and how a list pages."""

from __future__ import annotations

from django.http import Http404
from rest_framework import generics
from rest_framework.views import APIView

from api.pagination import Cursor
from api.permissions import SignedIn, SignedInToWrite, TokenScopes


class PublicReadView(APIView):
    """Read what a visitor of the site may read; writing needs a member (and ``write``)."""

    permission_classes = (SignedInToWrite, TokenScopes)


class MembersView(APIView):
    """For members only (their own data)."""

    permission_classes = (SignedIn, TokenScopes)


class StaffView(APIView):
    """Brand staff and community managers; tokens need the ``staff`` scope too. The services
    check the role, as they do for the site."""

    permission_classes = (SignedIn, TokenScopes)
    extra_scopes = ("staff",)


def cursor_for(*ordering: str) -> type[Cursor]:
    return type("Cursor", (Cursor,), {"ordering": ordering})


class PublicListView(generics.ListAPIView):
    permission_classes = PublicReadView.permission_classes
    pagination_class = Cursor


class MembersListView(generics.ListAPIView):
    permission_classes = MembersView.permission_classes
    pagination_class = Cursor


def found(obj):
    if obj is None:
        raise Http404("No such object, or you may not see it.")
    return obj
