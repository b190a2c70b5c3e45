from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.errors import error_body


def _wants_json(request) -> bool:
    return request.path_info.startswith("/api/")


def page_not_found(request, exception=None):
    if _wants_json(request):
        return JsonResponse(error_body("not_found", _("Nothing was found at this address.")), status=404)
    return render(request, "404.html", status=404)


def server_error(request):
    if _wants_json(request):
        message = _("Something went wrong on our side; try again.")
        return JsonResponse(error_body("server_error", message), status=500)
    return render(request, "500.html", status=500)
