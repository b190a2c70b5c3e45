"""How API requests say who makes them: a personal token (`Authorization: Bearer …`) for apps and scripts,
or the browser's logged-in session, with Django's CSRF check.

Protected operations take `auth=api_auth`; ninja tries the token first, then the session, and answers 401
in the API's error format when neither proves who is asking. Handlers read the person from `request.auth`.
"""

from django.http import HttpRequest
from ninja.conf import settings as ninja_settings
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from . import services
from .errors import ApiTokenRefused, CsrfFailed
from .models import User


class BearerTokenAuth(HttpBearer):
    """A personal API token. A request that sends one is judged by it alone: an unknown, revoked or expired
    token is refused with its own 401 code even when the browser also has a session."""

    def authenticate(self, request: HttpRequest, token: str) -> User:
        if not token:
            raise ApiTokenRefused.invalid()
        api_token = services.api_token_authenticate(secret=token)
        request.user = api_token.user  # code that reads request.user sees the token's person too
        request.api_token = api_token
        return api_token.user


class SessionCsrfAuth(SessionAuth):
    """ninja's `django_auth` (the logged-in session, with CSRF checked on unsafe methods), checking CSRF
    only once the session is known to belong to someone.

    ninja checks CSRF first, so a request with no credentials at all would get a 403 about CSRF rather
    than the 401 that tells a client to authenticate; and its 403 is English-only.
    """

    def __call__(self, request: HttpRequest) -> User | None:
        if not request.user.is_authenticated:
            return None
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise CsrfFailed()
        return request.user


bearer_auth = BearerTokenAuth()
session_auth = SessionCsrfAuth()
api_auth = [bearer_auth, session_auth]


def client_ip(request: HttpRequest) -> str:
    """The address the request came from, for limits on failed attempts.

    In production gunicorn sits behind nginx, which appends the address it saw to X-Forwarded-For
    (`$proxy_add_x_forwarded_for`), so REMOTE_ADDR is nginx's and the client is the header's last entry.
    ninja's own setting, `NINJA_NUM_PROXIES`, says how many proxies append to the header: unset means 1
    (that nginx); 2 with a load balancer in front of it; 0 when nothing is in front of Django, where the
    header could be forged. (Unset, ninja's throttles use the whole header, which a client can vary.)
    """
    num_proxies = 1 if ninja_settings.NUM_PROXIES is None else ninja_settings.NUM_PROXIES
    header = request.headers.get("X-Forwarded-For", "")
    forwarded = [part.strip() for part in header.split(",") if part.strip()]
    if num_proxies and forwarded:
        return forwarded[-min(num_proxies, len(forwarded))]
    return request.META.get("REMOTE_ADDR") or "unknown"
