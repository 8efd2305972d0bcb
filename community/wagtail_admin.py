"""What every Hearth screen in the Wagtail admin shares.

Deleting a row that other rows still need (a forum category with topics, a milestone ideas
are heading for, a member who wrote posts) is refused with a message that says what holds it,
instead of the ProtectedError Django raises. Wagtail only knows about references it indexes
itself, and Hearth's community content is not in its reference index, so the check asks
Django's deletion collector, which follows every foreign key.

Snippet choosers answer 404, not a server error, to an id that cannot exist ("chosen/x/") and
to their "create" URL when the snippet offers no creation form in the chooser.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import router
from django.db.models import Model
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.text import get_text_list
from wagtail.admin import messages
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.generic.models import DeleteView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.views.chooser import (
    SnippetChooserViewSet,
    SnippetChosenMultipleView,
    SnippetChosenView,
    SnippetCreateView,
)
from wagtail.snippets.views.snippets import DeleteView as SnippetDeleteView
from wagtail.snippets.views.snippets import SnippetViewSet


def deletion_blockers(objects: Iterable[Model]) -> Counter:
    """How many rows of each model stop ``objects`` from being deleted (foreign keys with
    on_delete=PROTECT or RESTRICT, followed through cascades): empty when deleting is safe.

    Runs the same collection ``Model.delete()`` runs, without deleting anything."""
    objects = list(objects)
    if not objects:
        return Counter()
    collector = Collector(using=router.db_for_write(type(objects[0])), origin=objects[0])
    try:
        collector.collect(objects)
    except ProtectedError as error:
        return Counter(type(row) for row in error.protected_objects)
    except RestrictedError as error:
        return Counter(type(row) for row in error.restricted_objects)
    return Counter()


def describe_blockers(blockers: Counter) -> str:
    """'1 topic and 2 posts'."""
    parts = [f"{count} {model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural}"
             for model, count in sorted(blockers.items(), key=lambda item: item[0]._meta.label)]
    return str(get_text_list(parts, "and"))


def refusal_message(objects: list[Model], blockers: Counter, hint: str = "") -> str:
    """'“Walk” cannot be deleted: 1 topic still depends on it. <hint>'"""
    names = ", ".join(f"“{obj}”" for obj in objects[:3]) + (" …" if len(objects) > 3 else "")
    depends = "depends" if sum(blockers.values()) == 1 else "depend"
    it = "it" if len(objects) == 1 else "them"
    message = f"{names} cannot be deleted: {describe_blockers(blockers)} still {depends} on {it}."
    return f"{message} {hint}".strip()


def refuse_if_protected(request, objects: Iterable[Model], *, back_to: str, hint: str = ""):
    """A redirect to ``back_to`` with an error message when ``objects`` cannot be deleted,
    else None. For Wagtail's ``before_delete_*`` hooks and the delete views below."""
    objects = list(objects)
    blockers = deletion_blockers(objects)
    if not blockers:
        return None
    messages.error(request, refusal_message(objects, blockers, hint))
    return redirect(back_to)


class ProtectedDeleteMixin:
    """For a Wagtail delete view: refuse (both the confirmation page and the POST) while
    other rows still need the object, and treat a row that came to need it between the check
    and the delete the same way (Wagtail's delete runs in a transaction, so nothing changed).

    Runs in get()/post(), after the view has checked the user may delete at all."""

    protected_hint = ""

    def _back_to(self) -> str:
        return AdminURLFinder(self.request.user).get_edit_url(self.object) or reverse(self.index_url_name)

    def _refusal(self):
        return refuse_if_protected(self.request, [self.object], back_to=self._back_to(),
                                   hint=self.protected_hint)

    def get(self, request, *args, **kwargs):
        return self._refusal() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        refusal = self._refusal()
        if refusal:
            return refusal
        try:
            return super().post(request, *args, **kwargs)
        except ProtectedError:
            refusal = self._refusal()
            if refusal is None:
                raise
            return refusal


class ProtectedModelDeleteView(ProtectedDeleteMixin, DeleteView):
    pass


class ProtectedSnippetDeleteView(ProtectedDeleteMixin, SnippetDeleteView):
    pass


class CommunityModelViewSet(ModelViewSet):
    """A ModelViewSet whose delete refuses while other rows need the object."""

    delete_view_class = ProtectedModelDeleteView
    protected_hint = ""

    def get_delete_view_kwargs(self, **kwargs):
        return super().get_delete_view_kwargs(protected_hint=self.protected_hint, **kwargs)


def _parse_pk(model, value):
    try:
        return model._meta.pk.to_python(value)
    except (ValidationError, ValueError, TypeError) as error:
        raise Http404(f"No {model._meta.verbose_name} with id {value!r}") from error


class CommunitySnippetChosenView(SnippetChosenView):
    def get_object(self, pk):
        return super().get_object(_parse_pk(self.model_class, pk))


class CommunitySnippetChosenMultipleView(SnippetChosenMultipleView):
    def get_objects(self, pks):
        valid = []
        for pk in pks:
            try:
                valid.append(_parse_pk(self.model_class, pk))
            except Http404:
                continue  # an id that cannot exist names nothing to choose
        return super().get_objects(valid)


class CommunitySnippetCreateView(SnippetCreateView):
    def dispatch(self, request, *args, **kwargs):
        # Wagtail routes "create/" even when the chooser has no creation form, then fails on
        # the missing form: there is nothing to create here.
        if self.get_creation_form_class() is None:
            raise Http404("This chooser has no creation form")
        return super().dispatch(request, *args, **kwargs)


class CommunitySnippetChooserViewSet(SnippetChooserViewSet):
    chosen_view_class = CommunitySnippetChosenView
    chosen_multiple_view_class = CommunitySnippetChosenMultipleView
    create_view_class = CommunitySnippetCreateView


class CommunitySnippetViewSet(SnippetViewSet):
    """A SnippetViewSet with the protected delete and the 404-ing chooser views."""

    chooser_viewset_class = CommunitySnippetChooserViewSet
    delete_view_class = ProtectedSnippetDeleteView
    protected_hint = ""

    def get_delete_view_kwargs(self, **kwargs):
        return super().get_delete_view_kwargs(protected_hint=self.protected_hint, **kwargs)



@require_admin_access
def chooser_id_not_found(request, *args, **kwargs):
    """Wagtail's document and image choosers take any text as the chosen id and look it up as
    a number (a server error): only ids made of digits reach them (config/urls.py). Like every
admin view, this one asks visitors without admin access to log in first."""
    raise Http404("No such item.")

