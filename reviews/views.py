"""Thin views: parse input, call one service, respond."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from community.models import ProductPage
from community.refusals import Refusal
from community.roles import is_brand_staff, is_community_manager
from moderation.services import ActionRefused
from reviews import flag_explanation, selectors, services
from reviews.forms import BrandReplyForm, FollowUpForm, HideReviewForm, ReviewForm
from reviews.models import FollowUp, Review, SentimentThresholds


def _add_errors(form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _product(slug: str) -> ProductPage:
    return get_object_or_404(ProductPage.objects.live().public(), slug=slug)


@login_required
def write_review(request, slug):
    product = _product(slug)
    existing = selectors.own_review(product=product, author=request.user)
    if request.method == "POST":
        form = ReviewForm(request.POST)
        if form.is_valid():
            try:
                review = services.save_review(author=request.user, product=product, **form.cleaned_data)
            except ValidationError as exc:
                _add_errors(form, exc)
            except ActionRefused as exc:
                form.add_error(None, exc.message)  # the form keeps what was typed
            else:
                messages.success(request, "Your review is updated." if existing
                                 else "Thanks: your review is published.")
                return redirect(f"{product.url}#review-{review.pk}")
    else:
        initial = ({"rating": existing.rating, "title": existing.title, "body": existing.body}
                   if existing else {})
        # The stars chosen in a review request's email (outreach): a choice, not a vote, so a
        # bad value is simply not used.
        chosen = request.GET.get("rating", "")
        if chosen in {"1", "2", "3", "4", "5"}:
            initial["rating"] = int(chosen)
        form = ReviewForm(initial=initial)
    return render(request, "reviews/write_review.html",
                  {"product": product, "form": form, "existing": existing})


@require_GET
def review_card(request, review_id):
    """One review as it appears on its product page, for this reader (the live product page
    fetches it when told a review changed; 404 once it is hidden or deleted)."""
    review = selectors.visible_review(review_id=review_id, viewer=request.user)
    if review is None:
        raise Http404
    return render(request, "reviews/includes/review_card.html", {
        "review": review, "user": request.user, "is_brand_staff": is_brand_staff(request.user),
        "is_manager": is_community_manager(request.user),
    })


@require_POST
@login_required
def mark_helpful(request, review_id):
    try:
        counted = services.mark_helpful(voter=request.user, review_id=review_id)
    except (PermissionDenied, Refusal) as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "Thanks for your vote." if counted else "You already found this helpful.")
    review = get_object_or_404(Review.objects.select_related("product"), pk=review_id)
    return redirect(f"{review.product.url}#review-{review_id}")


@login_required
def brand_reply(request, review_id):
    if not is_brand_staff(request.user):
        raise PermissionDenied("Only brand staff reply on behalf of the brand.")
    review = get_object_or_404(Review.objects.select_related("product", "author", "brand_reply"),
                               pk=review_id)
    existing = getattr(review, "brand_reply", None)
    warning = None
    if request.method == "POST":
        form = BrandReplyForm(request.POST)
        if form.is_valid():
            try:
                services.reply_as_brand(staff=request.user, review_id=review.pk,
                                        body=form.cleaned_data["body"],
                                        confirmed=form.cleaned_data["confirm"])
            except services.ReplyNeedsConfirmation as exc:
                warning = exc.p_negative
            except ValidationError as exc:
                _add_errors(form, exc)
            except ActionRefused as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "Your reply is published.")
                return redirect(f"{review.product.url}#review-{review.pk}")
    else:
        form = BrandReplyForm(initial={"body": existing.body} if existing else {})
    return render(request, "reviews/brand_reply.html",
                  {"review": review, "form": form, "existing": existing, "warning": warning})


@require_POST
@login_required
def hide_review(request, review_id):
    form = HideReviewForm(request.POST)
    review = get_object_or_404(Review.objects.select_related("product"), pk=review_id)
    if not form.is_valid():
        messages.error(request, "Say which guideline the review breaks.")
    else:
        services.hide_review(actor=request.user, review_id=review.pk, reason=form.cleaned_data["reason"])
        messages.success(request, "The review is hidden and the action logged.")
    return redirect(review.product.url)


@require_POST
@login_required
def mark_missed_negative(request, review_id):
    """"Missed: this is negative" on a review the model did not flag: it joins the follow-up
    queue and its text is kept as a label for retraining."""
    review = get_object_or_404(Review.objects.select_related("product"), pk=review_id)
    try:
        follow_up = services.mark_missed_negative(actor=request.user, review_id=review.pk)
    except Refusal as refusal:
        messages.error(request, refusal.message)
        return redirect(f"{review.product.url}#review-{review.pk}")
    messages.success(request, "The review is in the follow-up queue, and the model will learn "
                              "from it at its next training.")
    return redirect("reviews:follow_up", follow_up_id=follow_up.pk)


def _require_follow_up_worker(request):
    if not request.user.is_authenticated:
        raise Http404
    if not services.can_work_follow_ups(request.user):
        raise PermissionDenied("Follow-ups are for brand staff and community managers.")


@login_required
def follow_up_list(request):
    _require_follow_up_worker(request)
    status = request.GET.get("status", "active")
    return render(request, "reviews/follow_up_list.html", {
        "follow_ups": selectors.follow_up_queue(status=status)[:200], "status": status,
        "statuses": [("active", "Active"), ("overdue", "Overdue"), *FollowUp.Status.choices, ("all", "All")],
    })


@login_required
def follow_up_detail(request, follow_up_id):
    _require_follow_up_worker(request)
    follow_up = get_object_or_404_follow_up(follow_up_id)
    workers = selectors.follow_up_workers()
    if request.method == "POST":
        form = FollowUpForm(request.POST, workers=workers)
        if form.is_valid():
            try:
                services.update_follow_up(actor=request.user, follow_up_id=follow_up.pk,
                                          status=form.cleaned_data["status"],
                                          assignee=form.cleaned_data["assignee"],
                                          note=form.cleaned_data["note"])
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, "Follow-up updated.")
                return redirect("reviews:follow_up", follow_up_id=follow_up.pk)
    else:
        form = FollowUpForm(workers=workers,
                            initial={"status": follow_up.status, "assignee": follow_up.assignee_id})
    explanation = flag_explanation.explain(follow_up.review, SentimentThresholds.load().thresholds())
    return render(request, "reviews/follow_up_detail.html",
                  {"follow_up": follow_up, "form": form, "explanation": explanation})


def get_object_or_404_follow_up(follow_up_id):
    try:
        return selectors.follow_up_detail(follow_up_id=follow_up_id)
    except FollowUp.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def dashboard(request):
    _require_follow_up_worker(request)
    return render(request, "reviews/dashboard.html", {
        "stats": selectors.dashboard(), "thresholds": SentimentThresholds.load().thresholds(),
        "min_feedback": settings.HEARTH_SENTIMENT_RETRAIN_MIN_FEEDBACK})
