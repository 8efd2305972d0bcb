"""OpenAPI details: only /api/v1/ is described, and how its two ways in are named."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


def only_the_api(endpoints):
    """drf-spectacular's PREPROCESSING_HOOKS: leave out Wagtail's admin API and anything else
    outside /api/v1/ (and the catch-all not-found route)."""
    return [
        (path, pattern, method, callback)
        for path, pattern, method, callback in endpoints
        if path.startswith("/api/v1/")
    ]


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.BearerTokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal or service token (hearth_…), sent as `Authorization: Bearer …`.",
        }


class SiteSessionScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.SiteSessionAuthentication"
    name = "session"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": "sessionid",
            "description": "The site's own session (its scripts); unsafe methods need X-CSRFToken.",
        }
