"""Idea pages. Each view parses input, calls one service or selector, and responds."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community import client_limits, page_cache
from community.models import ProductCategory
from community.params import parse_id
from ideas import rules, selectors, services
from ideas.forms import CommentForm, DecisionForm, IdeaFilterForm, IdeaForm, MergeForm
from ideas.fragments import attach_card_fragments, attach_comment_fragments, idea_page_parts
from ideas.models import Idea, Status
from ideas.services.similarity import similar_ideas

PAGE_SIZE = 20


def _plural(count: int) -> str:
    return "" if count == 1 else "s"


def index(request: HttpRequest) -> HttpResponse:
    page_cache.depends_on(request, ("ideas", 0))
    statuses = list(selectors.LIST_STATUSES)
    if request.user.is_authenticated:
        statuses = selectors.STAFF_STATUSES + statuses
    categories = list(ProductCategory.objects.order_by("name").values_list("slug", "name"))
    form = IdeaFilterForm(request.GET or None, sorts=selectors.SORTS, statuses=statuses,
                          categories=categories)
    filters = form.cleaned_data if form.is_valid() else {}
    sort = filters.get("sort") or "trending"
    ideas = selectors.idea_list(
        user=request.user, sort=sort, status=filters.get("status", ""), category=filters.get("category", ""),
        mine=bool(filters.get("mine")),
    )
    page = Paginator(ideas, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    attach_card_fragments(page.object_list)
    page_cache.rendered_for_query(request, page=page.number,
                                  **{name: value for name, value in filters.items() if value})
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "ideas/index.html", {
        "page": page, "form": form, "sort": sort, "query_prefix": query.urlencode(),
        "ladder": selectors.milestone_ladder(),
    })


def detail(request: HttpRequest, idea_id: int, slug: str) -> HttpResponse:
    page_cache.depends_on(request, ("idea", idea_id))
    idea = selectors.idea_for_page(user=request.user, idea_id=idea_id)
    if idea is None:
        raise Http404("No such idea.")
    if slug != idea.slug:
        return redirect(idea, permanent=True)
    return _render_detail(request, idea)


def _render_detail(request: HttpRequest, idea: Idea, *, status: int = 200, **forms) -> HttpResponse:
    user = request.user
    comments = list(selectors.comments_for(idea=idea, user=user))
    attach_comment_fragments(comments)
    context = {
        "idea": idea,
        # What every reader sees alike (cached); the rest is rendered for this reader.
        "page_parts": idea_page_parts(idea),
        "comments": comments,
        "comment_form": forms.get("comment_form") or CommentForm(),
        # Staff decide hidden ideas from the moderation queue, not here.
        "can_review": rules.can_review(user) and idea.hidden_at is None and idea.deleted_at is None,
        "can_merge": rules.can_merge(user),
        "is_creator": user.is_authenticated and user.pk == idea.creator_id,
    }
    if context["can_review"]:
        context["decision_form"] = forms.get("decision_form") or DecisionForm(status=idea.effective_status)
    if context["can_merge"] and idea.effective_status in rules.MERGEABLE:
        context["merge_form"] = forms.get("merge_form") or MergeForm()
    return render(request, "ideas/detail.html", context, status=status)


def _idea_or_404(request: HttpRequest, idea_id: int) -> Idea:
    idea = selectors.idea_for_page(user=request.user, idea_id=idea_id)
    if idea is None:
        raise Http404("No such idea.")
    return idea


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    form = IdeaForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            idea = services.submit_idea(
                creator=request.user, title=form.cleaned_data["title"],
                description=form.cleaned_data["description"], category=form.cleaned_data["category"],
                product=form.cleaned_data["product"], images=form.decoded_images,
            )
        except services.IdeaActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Thanks! Your idea is in review: staff check every idea before it "
                             "goes public, and you will be notified of their decision.")
            return redirect(idea)
    return render(request, "ideas/form.html", {"form": form, "editing": None},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, idea_id: int) -> HttpResponse:
    idea = _idea_or_404(request, idea_id)
    if idea.creator_id != request.user.pk or idea.status not in (Status.IN_REVIEW, Status.NEEDS_WORK):
        messages.error(request, "Only the member who submitted this idea can edit it, while it is in review "
                       "or needs work.")
        return redirect(idea)
    remove = [pk for pk in map(parse_id, request.POST.getlist("remove_image")) if pk]
    kept = len([image for image in idea.images.all() if image.pk not in remove])
    initial = {"title": idea.title, "description": idea.description, "category": idea.category_id,
               "product": idea.product_id}
    form = IdeaForm(request.POST or None, request.FILES or None, initial=initial, kept_images=kept)
    if request.method == "POST" and form.is_valid():
        try:
            services.revise_idea(
                user=request.user, idea_id=idea.pk, title=form.cleaned_data["title"],
                description=form.cleaned_data["description"], category=form.cleaned_data["category"],
                product=form.cleaned_data["product"], images=form.decoded_images, remove_image_ids=remove,
            )
        except services.IdeaActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Your changes are saved" + (
                " and the idea is back in review." if idea.status == Status.NEEDS_WORK else "."))
            return redirect(reverse("ideas:detail", kwargs={"idea_id": idea.pk, "slug": Idea.slug_for(
                form.cleaned_data["title"])}))
    changes = list(idea.status_changes.order_by("created_at", "pk"))
    return render(request, "ideas/form.html", {
        "form": form, "editing": idea, "removed": remove,
        "staff_request": changes[-1].comment if changes else "",
    }, status=400 if form.errors else 200)


@require_GET
def similar(request: HttpRequest) -> HttpResponse:
    """Suggestions while someone types a title: limited per client address, because each
    call may run the sentence encoder."""
    limit, seconds = settings.HEARTH_IDEAS_SIMILAR_RATE
    retry_after = client_limits.take_slot("ideas-similar", client_limits.client_address(request),
                                          limit=limit, seconds=seconds)
    if retry_after:
        response = render(request, "ideas/includes/similar_limited.html",
                          {"retry_after": retry_after}, status=429)
        response["Retry-After"] = str(retry_after)
        return response
    text = request.GET.get("title", "")[:200]
    exclude = request.GET.get("exclude", "")
    ideas = similar_ideas(text=text, exclude_id=parse_id(exclude))
    return render(request, "ideas/includes/similar.html", {"similar": ideas, "text": text})


def _support_response(request: HttpRequest, idea_id: int, error: str = "") -> HttpResponse:
    idea = _idea_or_404(request, idea_id)
    if request.htmx:
        return render(request, "ideas/includes/support_box.html", {"idea": idea, "support_error": error},
                      status=200)
    if error:
        messages.error(request, error)
    return redirect(idea)


@login_required
@require_POST
def support(request: HttpRequest, idea_id: int) -> HttpResponse:
    error = ""
    try:
        added = services.cast_support(user=request.user, idea_id=idea_id)
        if added and not request.htmx:
            messages.success(request, "Thanks for your support!")
    except services.IdeaActionRefused as refusal:
        error = str(refusal)
    return _support_response(request, idea_id, error)


@login_required
@require_POST
def withdraw(request: HttpRequest, idea_id: int) -> HttpResponse:
    error = ""
    try:
        if services.withdraw_support(user=request.user, idea_id=idea_id) and not request.htmx:
            messages.success(request, "Your support is withdrawn.")
    except services.IdeaActionRefused as refusal:
        error = str(refusal)
    return _support_response(request, idea_id, error)


@login_required
@require_POST
def comment(request: HttpRequest, idea_id: int) -> HttpResponse:
    idea = _idea_or_404(request, idea_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            created = services.add_comment(author=request.user, idea_id=idea.pk,
                                           body=form.cleaned_data["body"])
        except services.IdeaActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            return redirect(f"{idea.get_absolute_url()}#comment-{created.pk}")
    return _render_detail(request, idea, status=400, comment_form=form)


@login_required
@require_POST
def decide(request: HttpRequest, idea_id: int) -> HttpResponse:
    idea = _idea_or_404(request, idea_id)
    if not rules.can_review(request.user):
        raise services.IdeaActionRefused(
            "Only community managers and brand staff can change an idea's status."
        )
    form = DecisionForm(request.POST, status=idea.effective_status)
    if form.is_valid():
        try:
            services.decide_idea(actor=request.user, idea_id=idea.pk,
                                 to_status=form.cleaned_data["to_status"],
                                 comment=form.cleaned_data["comment"])
        except services.IdeaActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "The status is changed; the creator and supporters are being notified.")
            return redirect(idea)
    return _render_detail(request, idea, status=400, decision_form=form)


@login_required
@require_POST
def resubmit(request: HttpRequest, idea_id: int) -> HttpResponse:
    idea = _idea_or_404(request, idea_id)
    try:
        services.resubmit_expired_idea(user=request.user, idea_id=idea.pk)
    except services.IdeaActionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "Your idea is back in review. Once approved it gets a new deadline.")
    return redirect(idea)


@login_required
@require_POST
def merge(request: HttpRequest, idea_id: int) -> HttpResponse:
    idea = _idea_or_404(request, idea_id)
    if not rules.can_merge(request.user):
        raise services.IdeaActionRefused("Only community managers can merge ideas.")
    form = MergeForm(request.POST)
    if form.is_valid():
        try:
            moved = services.merge_idea(actor=request.user, duplicate_id=idea.pk,
                                        original_id=form.cleaned_data["original"],
                                        comment=form.cleaned_data["comment"])
        except services.IdeaActionRefused as refusal:
            form.add_error("original", str(refusal))
        else:
            messages.success(request, f"Merged: {moved} support{_plural(moved)} moved to the original.")
            return redirect(idea)
    return _render_detail(request, idea, status=400, merge_form=form)


@login_required
@require_POST
def unmerge(request: HttpRequest, idea_id: int) -> HttpResponse:
    idea = _idea_or_404(request, idea_id)
    try:
        moved = services.unmerge_idea(actor=request.user, duplicate_id=idea.pk)
    except services.IdeaActionRefused as refusal:
        if not rules.can_merge(request.user):
            raise
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"The merge is undone: {moved} support{_plural(moved)} moved back.")
    return redirect(idea)
