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


# The problems any operation may answer, and those only writes may (RFC 9457 bodies; what
# each means: docs/api.md). 404: an object that does not exist or that the caller may not see.
EVERY_OPERATION = {
    "400": "The request is invalid: its fields, parameters or body (`invalid`, `malformed-body`).",
    "401": "No valid credentials (`not-authenticated`, `token-invalid`, `token-revoked`, "
           "`token-expired`).",
    "403": "Not allowed for this account or token (`forbidden`, `insufficient-scope`, `refused`).",
    "404": "No such object, or not one the caller may see (`not-found`).",
    "406": "The Accept header asks for a format the API does not give (`not-acceptable`).",
    "429": "Too many requests for this token or address (`throttled`); see Retry-After.",
}
WRITES_ONLY = {
    "409": "Someone else got there first, or the same request was sent twice (`conflict`), "
           "or the action needs confirming (`needs-confirmation`).",
    "415": "The body is not JSON (`unsupported-media-type`).",
}
PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "properties": {
        "type": {"type": "string", "example": "urn:hearth:problem:not-found"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": True,
                   "description": "For `invalid`: the messages of each field."},
    },
    "required": ["type", "title", "status", "detail"],
    "additionalProperties": True,
}


def document_problems(result, generator, request, public):
    """drf-spectacular's POSTPROCESSING_HOOKS: every operation documents the problems it may
    answer, so the schema lists every status code the API really sends."""
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            statuses = dict(EVERY_OPERATION)
            if method in ("post", "put", "patch", "delete"):
                statuses |= WRITES_ONLY
            responses = operation.setdefault("responses", {})
            for status, description in statuses.items():
                responses.setdefault(status, {"description": description, "content": problem})
    return result
