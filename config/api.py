"""The REST API at /api/v1/: one NinjaAPI that mounts each app's router and speaks one error format."""

import json
import logging

from django.db import DataError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from achievements.api import public_router as achievements_public_router
from achievements.api import router as achievements_router
from campaigns.api import public_router as campaigns_public_router
from campaigns.api import router as campaigns_router
from campaigns.checkin.api import router as checkin_router
from cms.dashboard_api import router as dashboard_router
from core.errors import DomainError, error_body
from credentials.api import router as credentials_router
from delphi.api import public_router as delphi_public_router
from opencity.api import public_router as opencity_public_router
from rewards.api import public_router as rewards_public_router
from rewards.api import router as rewards_router
from verification.api import router as verification_router
from voice.api import public_router as voice_public_router
from voice.api import router as voice_router
from volunteers.api import public_router as volunteers_public_router
from volunteers.api import router as volunteers_router
from volunteers.eligibility.api import public_router as eligibility_public_router
from volunteers.eligibility.api import router as eligibility_router
from volunteers.ngos.api import router as ngo_router

logger = logging.getLogger(__name__)

# An operationId is its module's and function's names; generated clients call it by that name, so an
# operation keeps the one it was published under when its code moves to another module.
MODULES_AS_PUBLISHED = {
    "campaigns.checkin.api": "campaigns.checkin_api",
    "cms.dashboard_api": "volunteers.dashboard_api",
    "volunteers.ngos.api": "volunteers.ngo_api",
}


class BodyNotAnObject(ValueError):
    """A JSON body that is an array, a string, a number or null where an object is expected."""


class JsonObjectParser(Parser):
    """Every operation's JSON body is an object (its schema's fields).

    ninja's schemas read their fields as attributes too, so an array, a string or null would otherwise pass
    as an object without any of them: `PATCH /me` took `[]` as an empty change and answered 200.
    """

    def parse_body(self, request: HttpRequest):
        data = json.loads(request.body)
        if not isinstance(data, dict):
            raise BodyNotAnObject()
        return data


# The one error body every failure answers with (core.errors.error_body).
ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "description": "Stable and machine-readable, e.g. `shift_full`."},
                "message": {"type": "string", "description": "For people, in the request's language."},
                "details": {"description": "More about the error, when there is more: fields, limits, ids."},
            },
        }
    },
}
ERROR_DESCRIPTIONS = {
    400: "The request is malformed (JSON, multipart, a NUL character) or a rule refused it.",
    401: "No valid personal token or session.",
    403: "Not allowed for this person (or the session's CSRF token is missing).",
    404: "Nothing with this id, or not visible to this person.",
    409: "The state changed first: already done, taken, or decided by someone else.",
    413: "The body is larger than the limit given in `details`.",
    410: "It was valid once and is no longer (an expired voucher).",
    422: "Some of the data sent is not valid; `details` names the fields.",
    429: "Too many attempts; wait for the seconds in the Retry-After header.",
    503: "A service the operation needs (the SMS provider) did not answer; try again later.",
}
# Statuses that an operation's own errors answer with beyond what its shape says (see error_statuses).
ERROR_STATUSES_OF_OPERATION = {
    ("/api/v1/vouchers/redeem", "post"): [404, 410],  # an unknown code; an expired voucher
    ("/api/v1/auth/codes", "post"): [404, 503],  # no account for that mobile; the SMS provider down
    ("/api/v1/reservations/{reservation_id}/messages", "post"): [429],  # a team's messages a day
    ("/api/v1/me/qualifications", "post"): [404],  # an unknown qualification kind
    ("/api/v1/me/guardian-consent/code", "post"): [429, 503],  # the one-time codes' limits; SMS down
    ("/api/v1/me/guardian-consent", "post"): [429],  # too many wrong codes from one address
    ("/api/v1/me/open-badges", "post"): [404],  # a badge award that is not mine
    ("/api/v1/voice/items", "post"): [429],  # many items from one number or address in a day
}


def error_statuses(path: str, method: str, operation: dict) -> list[int]:
    """The error statuses an operation can answer with, by what it takes: every one can be malformed or
    invalid; one that needs a person can be unauthenticated or forbidden; one with an id in its path can
    find nothing; one that changes something can conflict or get too large a body; logging in and codes
    are limited."""
    statuses = [400, 422]
    if operation.get("security"):
        statuses += [401, 403]
    if "{" in path:
        statuses.append(404)
    if method in ("post", "put", "patch", "delete"):
        statuses += [403, 409]
    if "requestBody" in operation:
        statuses.append(413)
    if "/auth/" in path:
        statuses += [401, 429]  # a wrong password or code is a 401
    statuses += ERROR_STATUSES_OF_OPERATION.get((path, method), [])
    return sorted(set(statuses))


class HamyarAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        module = operation.view_func.__module__
        return f"{MODULES_AS_PUBLISHED.get(module, module)}_{operation.view_func.__name__}".replace(".", "_")

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """ninja's document, with every error an operation can answer declared in the one error format."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema["components"].setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        error_content = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        for path, methods in schema["paths"].items():
            for method, operation in methods.items():
                responses = operation.setdefault("responses", {})
                for status in error_statuses(path, method, operation):
                    responses.setdefault(
                        status,
                        {"description": ERROR_DESCRIPTIONS[status], "content": error_content},
                    )
        return schema


api = HamyarAPI(
    title="Hamyar API",
    version="1",
    description=(
        "Open calls, sign-ups, verified work, points and municipal-discount vouchers. Errors always come "
        'as `{"error": {"code", "message", "details"}}`; send `Accept-Language: en` for English '
        "messages (Persian by default)."
    ),
    urls_namespace="api-v1",
    docs_url="/docs",
    parser=JsonObjectParser(),
)
# Each app has a `router` whose operations all need a person (auth set once on the router:
# volunteers.auth.api_auth, a personal token or the browser's session with CSRF) and, where it has public
# reads, a `public_router` without auth.
api.add_router("/", campaigns_public_router)
api.add_router("/", campaigns_router)
api.add_router("/", volunteers_public_router)
api.add_router("/", volunteers_router)
api.add_router("/", verification_router)
api.add_router("/", rewards_public_router)
api.add_router("/", rewards_router)
api.add_router("/", achievements_public_router)
api.add_router("/", achievements_router)
api.add_router("/", checkin_router)
api.add_router("/", ngo_router)
api.add_router("/", eligibility_public_router)
api.add_router("/", eligibility_router)
api.add_router("/", dashboard_router)
api.add_router("/", delphi_public_router)
api.add_router("/", voice_public_router)
api.add_router("/", voice_router)
api.add_router("/", opencity_public_router)
api.add_router("/", credentials_router)


def _error_response(request: HttpRequest, status: int, code: str, message, details=None):
    return api.create_response(request, error_body(code, message, details), status=status)


@api.exception_handler(DomainError)
def on_domain_error(request, exc: DomainError):
    response = _error_response(request, exc.status_code, exc.code, exc.message, exc.details)
    # Errors may name response headers, e.g. Retry-After on a 429 or WWW-Authenticate on a 401.
    for header, value in exc.headers.items():
        response[header] = value
    return response


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    details = [
        {"field": ".".join(str(part) for part in error.get("loc", ())), "message": error.get("msg", "")}
        for error in exc.errors
    ]
    return _error_response(request, 422, "invalid_input", _("Some of the data sent is not valid."), details)


@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
def on_value_out_of_range(request, exc):
    """A number too large for the database (an id of 10^25 in the path, say): the request's fault, not the
    server's. SQLite raises OverflowError, PostgreSQL a DataError ("out of range")."""
    if isinstance(exc, DataError) and "out of range" not in str(exc):
        raise exc
    return _error_response(request, 400, "value_out_of_range", _("A number sent is too large."))


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return _error_response(request, 404, "not_found", _("Nothing was found at this address."))


@api.exception_handler(AuthenticationError)
def on_authentication_error(request, exc):
    response = _error_response(request, 401, "not_authenticated", _("Log in or send a valid token."))
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    # ninja answers a body it cannot parse with HttpError(400, "Cannot parse request body") raised from the
    # parser's error: say what is wrong in the reader's language.
    if isinstance(exc.__cause__, BodyNotAnObject):
        message = _("The body must be a JSON object.")
        return _error_response(
            request,
            422,
            "invalid_input",
            _("Some of the data sent is not valid."),
            [{"field": "body", "message": str(message)}],
        )
    if exc.status_code == 400 and isinstance(exc.__cause__, ValueError):  # JSON or UTF-8 decoding
        return _error_response(request, 400, "http_400", _("The body is not valid JSON."))
    return _error_response(request, exc.status_code, f"http_{exc.status_code}", exc.message)


@api.exception_handler(Exception)
def on_unexpected_error(request, exc):
    logger.exception("Unhandled error in the API", exc_info=exc)
    return _error_response(request, 500, "server_error", _("Something went wrong on our side; try again."))
