"""Django's database sessions (SESSION_ENGINE = "core.sessions"), each request's session read by a
statement composed once per process: composing the ORM's query for it took longer than running it, on
every request of a signed-in reader."""

import datetime

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db import router
from django.utils import timezone

from core.compiled_queries import CompiledInstancesQuery

_LIVE_SESSION = CompiledInstancesQuery(
    Session,
    lambda session_key, now: Session.objects.filter(session_key=session_key, expire_date__gt=now),
    session_key=str,
    now=datetime.datetime,
)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        # As Django's: the session with this key that has not expired, or None (and the key forgotten).
        session = _LIVE_SESSION.get(
            using=router.db_for_read(self.model), session_key=self.session_key, now=timezone.now()
        )
        if session is None:
            self._session_key = None
        return session
