import json
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.validators import ProhibitNullCharactersValidator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

from core.errors import error_body
from core.localization import format_number


class ApiLanguageMiddleware:
    """Lets API clients choose the language of messages with Accept-Language.

    LocaleMiddleware gives every path without a language prefix the default language (Persian), which
    is right for pages, where the prefix is how a reader picks English. API paths carry no prefix, so
    the header (or the language cookie of a browser session) decides there, Persian by default.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/api/"):
            language = translation.get_language_from_request(request, check_path=False)
            if language not in dict(settings.LANGUAGES):
                language = settings.LANGUAGE_CODE
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


class AdminLanguageMiddleware:
    """The Wagtail admin in its user's language, messages included.

    Wagtail switches to the user's preferred language only while its views run and render; what is
    rendered after them, above all the messages the views queue (a service's refusal is a lazy
    translation, turned into text when MessageMiddleware stores it), would otherwise follow
    LocaleMiddleware, which gives every path without a language prefix, /admin/ among them, Persian.
    Placed after AuthenticationMiddleware and before MessageMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if not request.path_info.startswith(ADMIN_PREFIX) or user is None or not user.is_authenticated:
            return self.get_response(request)
        language = admin_language(user)
        request.LANGUAGE_CODE = language
        with translation.override(language):
            return self.get_response(request)


ADMIN_PREFIX = "/admin/"


def admin_language(user) -> str:
    """The language a member of staff chose for the admin (their Wagtail profile), else the site's."""
    from wagtail.users.models import UserProfile

    profile = UserProfile.objects.filter(user=user).only("preferred_language").first()
    language = profile.preferred_language if profile else ""
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


FORM_CONTENT_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def _nul_in_json(value, path: str) -> str | None:
    """The path of the first string (or key) of a decoded JSON value that holds a NUL, or None."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            found = path if "\x00" in key else _nul_in_json(item, f"{path}.{key}")
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _nul_in_json(item, f"{path}.{index}")
            if found:
                return found
    return None


def _nul_in_fields(pairs, prefix: str) -> str | None:
    for key, values in pairs:
        if "\x00" in key or any("\x00" in value for value in values):
            return f"{prefix}.{key.replace(chr(0), '')}"
    return None


def _field_with_nul(request: HttpRequest, *, with_body: bool) -> str | None:
    """Where the request holds a NUL character ("path", "query.<name>", "body.<field>"…), or None.

    PostgreSQL refuses NUL in text, so a NUL that reached a query would fail deep inside it as a 500.
    Reading the body may raise RequestDataTooBig or MultiPartParserError, for the caller to answer.
    """
    if "\x00" in request.path_info:
        return "path"
    if found := _nul_in_fields(request.GET.lists(), "query"):
        return found
    if not with_body:
        return None
    if request.content_type in FORM_CONTENT_TYPES:
        # request.POST, not request.body: files do not count against DATA_UPLOAD_MAX_MEMORY_SIZE.
        if found := _nul_in_fields(request.POST.lists(), "form"):
            return found
        names = ((key, [upload.name for upload in uploads]) for key, uploads in request.FILES.lists())
        return _nul_in_fields(names, "file")
    body = request.body
    # In JSON a NUL can only be written as the escape \u0000; most bodies are spared a second parse.
    if b"\\u0000" not in body:
        return None
    try:
        return _nul_in_json(json.loads(body), "body")
    except ValueError:
        return None  # not JSON: the API says so


def _megabytes(size: int) -> str:
    return format_number((Decimal(size) / 2**20).quantize(Decimal("0.1")).normalize())


class BadInputMiddleware:
    """Input that no view can use is refused before any view runs, as the client's error, never a 500.

    - A NUL character in the path, the query string or, for the API, the body (JSON, form fields, file
      names): 422 `invalid_input` in the API's error format with the field in `details`; on pages, a 400
      page. (Forms posted from pages refuse NUL themselves: Django's CharField has
      ProhibitNullCharactersValidator, so people see it as a form error.)
    - An API body over DATA_UPLOAD_MAX_MEMORY_SIZE: 413 `body_too_large`, saying the limit.
    - An API multipart body that cannot be parsed (no boundary, cut short): 400 `invalid_multipart`.

    Placed after ApiLanguageMiddleware and LocaleMiddleware, so messages are in the reader's language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        is_api = request.path_info.startswith("/api/")
        if not is_api:
            if _field_with_nul(request, with_body=False):
                return render(request, "400.html", status=400)
            return self.get_response(request)
        try:
            field = _field_with_nul(request, with_body=True)
        except RequestDataTooBig:
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            message = _("The request is too large: at most %(size)s MB may be sent at once.") % {
                "size": _megabytes(limit)
            }
            return self._error(413, "body_too_large", message, {"limit_bytes": limit})
        except MultiPartParserError:
            message = _(
                "The form data could not be read. Send multipart/form-data with its boundary, as HTTP "
                "libraries do when given the fields and files, or send JSON."
            )
            return self._error(400, "invalid_multipart", message)
        except SuspiciousOperation:  # too many fields or files
            return self._error(400, "too_many_fields", _("The request has too many fields or files."))
        if field:
            message = str(ProhibitNullCharactersValidator.message)
            return self._error(
                422,
                "invalid_input",
                _("Some of the data sent is not valid."),
                [{"field": field, "message": message}],
            )
        return self.get_response(request)

    @staticmethod
    def _error(status: int, code: str, message, details=None) -> HttpResponse:
        return JsonResponse(error_body(code, message, details), status=status)
