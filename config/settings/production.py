"""Production: everything from the environment, secure by default, no insecure fallbacks.

Passes `manage.py check --deploy` with no warnings. The docker-compose deployment (docs/production.md) runs
gunicorn behind nginx, which ends TLS (or receives it from a load balancer) and sets X-Forwarded-Proto.
"""

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = env.str("DJANGO_SECRET_KEY")  # no default: refusing to start beats a guessable key
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")

# TLS ends at the proxy in front of gunicorn, which sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# nginx appends the client's address to X-Forwarded-For; without this every request would seem to come
# from nginx and one person's failed log-ins would lock the whole city out of the API.
NINJA_NUM_PROXIES = env.int("NINJA_NUM_PROXIES", default=1)
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# The health probe comes over plain HTTP from inside the compose network. SecurityMiddleware matches these
# patterns against the path with its leading slash stripped, so "/health" is matched as "health".
SECURE_REDIRECT_EXEMPT = [r"^health$", r"^health/live$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Wagtail's preview panel frames the page preview, but its preview views set X-Frame-Options: SAMEORIGIN
# on their own responses, so every other response can refuse framing altogether.
X_FRAME_OPTIONS = "DENY"

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Documents are always served through Django, which applies collection and page privacy; nginx serves the
# rest of MEDIA_ROOT directly and refuses /media/documents/ (docker/nginx/locations.conf).
WAGTAILDOCS_SERVE_METHOD = "serve_view"


def _base_url_from_allowed_hosts(hosts: list[str]) -> str:
    """https://<first real host name>, so links in admin e-mails point at the site without extra setup."""
    for host in hosts:
        name = host.lstrip(".")  # ".example.org" allows example.org and its subdomains
        if name and name != "*":
            return f"https://{name}"
    return "http://localhost:8000"


# Links in notification e-mails are built from this; base.py's default points at the development server.
WAGTAILADMIN_BASE_URL = env.str("WAGTAILADMIN_BASE_URL", default=_base_url_from_allowed_hosts(ALLOWED_HOSTS))

# Logs go to standard error, where Docker collects them; the level and logger name make them searchable.
LOGGING = {
    **LOGGING,  # noqa: F405
    "formatters": {"plain": {"format": "%(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
}
