"""The session's person is read by a composed statement (volunteers.backends): as Django's ModelBackend
reads them, an active person by the id the session holds, and nobody otherwise."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.test import Client

from campaigns.tests.factories import PersonFactory
from volunteers.backends import PhoneEmailOrUsernameBackend

pytestmark = pytest.mark.django_db


def test_the_person_of_a_session_is_read_as_django_reads_them():
    active, deactivated = PersonFactory(), PersonFactory(is_active=False)
    ours, djangos = PhoneEmailOrUsernameBackend(), ModelBackend()

    for user_id in (active.pk, str(active.pk), deactivated.pk, str(deactivated.pk + 1000), "x", None):
        theirs = djangos.get_user(user_id) if user_id not in ("x", None) else None
        found = ours.get_user(user_id)
        assert (found and found.pk) == (theirs and theirs.pk), user_id
    found = ours.get_user(str(active.pk))
    assert [getattr(found, f.attname) for f in found._meta.concrete_fields] == [
        getattr(active, f.attname) for f in active._meta.concrete_fields
    ]


def test_a_signed_in_reader_is_who_they_signed_in_as():
    person = PersonFactory()
    client = Client()
    client.force_login(person)
    response = client.get("/my/shifts/")
    assert response.status_code == 200
    assert response.wsgi_request.user.pk == person.pk
