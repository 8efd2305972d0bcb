"""The star links of a review request: they open the review form with the rating chosen."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from outreach import emails, services


@require_GET
@login_required
def rate(request: HttpRequest, token: str) -> HttpResponse:
    """A logged-out member logs in first and comes back here (login_required keeps the link).
    The link is only a shortcut to the form: it proves nothing and publishes nothing."""
    parsed = emails.read_rating_token(token)
    review_request = parsed and services.request_for_rating(request_id=parsed[0], member=request.user)
    if not review_request:
        return render(request, "outreach/link_refused.html", status=404)
    if not review_request.product.live:
        messages.info(request, "That product is no longer in the catalogue.")
        return redirect("/products/")
    url = reverse("reviews:write", kwargs={"slug": review_request.product.slug})
    return redirect(f"{url}?rating={parsed[1]}")
