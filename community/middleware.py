import functools

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http.multipartparser import MultiPartParserError
from django.urls import get_resolver, get_urlconf

# The public site loads only its own scripts and styles. Wagtail's admin needs inline
# styles and scripts, so it gets a looser policy of its own.
SITE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self' ws: wss:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
ADMIN_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'self'"
)


@functools.lru_cache(maxsize=8)
def account_policy(origins: tuple[str, ...]) -> str:
    """The account pages' policy: their sign-in provider buttons are forms whose POST is
    redirected to the provider (docs/sso.md), which form-action governs too. The origins are
    the configured providers' (settings, from config/settings/sso.py)."""
    if not origins:
        return SITE_POLICY
    return SITE_POLICY.replace("form-action 'self'", "form-action 'self' " + " ".join(origins))


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefixes = ("/admin/", "/django-admin/")

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            policy = ADMIN_POLICY if request.path.startswith(self.admin_prefixes) else SITE_POLICY
            if request.path.startswith("/accounts/"):
                policy = account_policy(tuple(settings.HEARTH_CSP_ACCOUNT_FORM_ORIGINS))
            response["Content-Security-Policy"] = policy
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


def storable_text(text: str) -> bool:
    """Whether ``text`` can reach PostgreSQL as it is: no NUL (text columns refuse it) and
    valid UTF-8 (lone surrogates, which broken percent-escapes can decode to, do not encode)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _request_texts(request):
    """Every piece of text a view may pass on: path, query, form fields and file names,
    cookies and headers."""
    yield request.path
    for key, values in request.GET.lists():
        yield key
        yield from values
    if request.method == "POST":
        for key, values in request.POST.lists():
            yield key
            yield from values
        for key, uploads in request.FILES.lists():
            yield key
            yield from (upload.name or "" for upload in uploads)
    yield from request.COOKIES.keys()
    yield from request.COOKIES.values()
    yield from (value for key, value in request.META.items()
                if key.startswith("HTTP_") and isinstance(value, str))


class MalformedInputMiddleware:
    """Answers 400 to a request carrying text no view could store or look up (a NUL byte,
    invalid UTF-8) or a form body that does not parse, before any view, session or database
    lookup runs. Views then never meet such input: a ``%00`` in a search box, a user name
    or a form field cannot become a database error (a 500) anywhere, whatever the view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            clean = all(storable_text(text) for text in _request_texts(request))
        except (MultiPartParserError, UnicodeDecodeError) as error:
            return _bad_request(request, f"Unreadable form body: {error}")
        if not clean:
            # The error page must not look a malformed session cookie up either.
            request.COOKIES = {key: value for key, value in request.COOKIES.items()
                               if storable_text(key) and storable_text(value)}
            return _bad_request(request, "Request text with a NUL byte or invalid UTF-8")
        return self.get_response(request)


def _bad_request(request, reason: str):
    """The site's 400 page, answered rather than raised: Django logs it as one WARNING line
    ("Bad Request"), not a traceback per malformed request."""
    handler = get_resolver(get_urlconf()).resolve_error_handler(400)
    return handler(request, exception=BadRequest(reason))
