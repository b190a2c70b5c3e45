"""core.sessions: Django's database sessions, read by a composed statement, answer as Django's do."""

import datetime

import pytest
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from core.sessions import SessionStore

pytestmark = pytest.mark.django_db


def saved(**data) -> str:
    store = SessionStore()
    store.update(data)
    store.save()
    return store.session_key


@pytest.mark.parametrize("store_class", [SessionStore, DjangoSessionStore])
def test_a_session_loads_until_it_expires_and_then_is_forgotten(store_class):
    key = saved(person="۱۲", language="fa")

    live = store_class(key)
    assert live.load() == {"person": "۱۲", "language": "fa"}
    assert live.session_key == key

    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    expired = store_class(key)
    assert expired.load() == {}
    assert expired.session_key is None  # a new one is made if anything is written


@pytest.mark.parametrize("key", ["", "unknown-but-well-formed-key-0123456789", None])
def test_an_unknown_or_missing_key_loads_nothing(key):
    store = SessionStore(key)
    assert store.load() == {}
    assert store.session_key is None


def test_the_site_reads_its_sessions_with_this_store(client):
    key = saved(seen="yes")
    client.cookies["sessionid"] = key

    request = client.get("/").wsgi_request

    assert isinstance(request.session, SessionStore)
    assert request.session["seen"] == "yes"
