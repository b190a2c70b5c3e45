from django.conf import settings
from django.utils import translation


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
