"""The project's URLs plus /bench/… endpoints that exist only while benchmarking (bench/settings.py).

The project's patterns are spliced in rather than include()d: Django refuses i18n_patterns in an included
URLconf.
"""

from django.http import JsonResponse
from django.urls import path

from config.urls import handler404, handler500  # noqa: F401
from config.urls import urlpatterns as project_urlpatterns


def bare(request):
    """The framework's ceiling: Django's whole middleware stack and a JSON answer, no database."""
    return JsonResponse({"ok": True})


urlpatterns = [
    path("bench/bare", bare, name="bench_bare"),
    *project_urlpatterns,
]
