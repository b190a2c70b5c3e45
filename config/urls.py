from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static as static_url
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from .api import api
from .health import alive, health


def favicon(request):
    # Resolved per request: in production the static file's address comes from collectstatic's manifest.
    return redirect(static_url("favicon.svg"))


urlpatterns = [
    # Browsers ask for /favicon.ico on every site; the icon is an SVG among the static files.
    path("favicon.ico", favicon),
    path("health", health, name="health"),
    path("health/live", alive, name="health-live"),
    path("api/v1/", api.urls),
    path("open311/v2/", include("voice.open311_urls")),
    path("admin/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("calendar/", include("campaigns.calendar_urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Pages: Persian at the root, English under /en/.
urlpatterns += i18n_patterns(
    path("services/", include("campaigns.urls")),
    path("account/", include("cms.urls")),
    path("account/", include("volunteers.urls")),
    path("my/", include("campaigns.volunteer_urls")),
    path("completions/", include("verification.urls")),
    path("rewards/", include("rewards.urls")),
    path("leaderboards/", include("achievements.urls")),
    path("checkin/", include("campaigns.checkin.urls")),
    path("delphi/", include("delphi.urls")),
    path("voice/", include("voice.urls")),
    path("open-city/", include("opencity.urls")),
    path("", include("credentials.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

handler404 = "cms.views.page_not_found"
handler500 = "cms.views.server_error"
