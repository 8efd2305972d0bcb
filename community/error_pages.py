"""The pages a visitor gets when a request goes wrong: Hearth's layout, never Django's
technical pages (those need DEBUG, which is off unless DJANGO_DEBUG=1).

404 and 403 use Django's handlers, which render with the request: the header shows who is
signed in. A 400 (a request Django refused, e.g. an unknown Host) and a 500 are rendered from
the templates alone, without the request, the session or the database, so they cannot fail
the way the request or the server just did (``standalone_error_page``). A database outage
gets the 503 page instead (community.outage).
"""

import logging

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

# Shown if even the layout cannot be rendered (a template or static manifest error).
BARE_ERROR_PAGE = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>'
    '<body><h1>{title}</h1><p><a href="/">Go to the home page</a></p></body></html>'
)


def standalone_error_page(template_name: str, status: int, title: str) -> HttpResponse:
    """The error template in the site layout, built from nothing but settings and routes."""
    from community.context_processors import shell_urls

    try:
        html = render_to_string(template_name, {"site_name": settings.WAGTAIL_SITE_NAME,
                                                "shell_urls": shell_urls()})
    except Exception:
        logger.exception("the %s page could not be rendered", status)
        html = BARE_ERROR_PAGE.format(title=title)
    response = HttpResponse(html, status=status)
    response["Cache-Control"] = "no-store"
    return response


def bad_request(request, exception=None):
    """handler400."""
    return standalone_error_page("400.html", 400, "Bad request")


def server_error_page() -> HttpResponse:
    return standalone_error_page("500.html", 500, "Something went wrong")


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form sent without a valid token, most often a page left open
    past its session or a log-in in another tab. The reason stays in the log."""
    logger.warning("CSRF check failed for %s %s: %s", request.method, request.path, reason)
    return render(request, "403_csrf.html", status=403)
