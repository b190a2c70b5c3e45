"""Small things a visitor meets: the contact's phone only for those signed up, a way to create an account
from every page, a favicon."""

import pytest
from django.utils import translation

from campaigns.services import signup_create
from campaigns.tests.factories import PersonFactory, add_shift, publish_call

pytestmark = pytest.mark.django_db


@pytest.fixture
def call():
    return publish_call(contact_name="رضا", contact_phone="03131234567")


def page_of(client, call) -> str:
    with translation.override("fa"):
        url = call.url
    return client.get(url).content.decode()


def test_the_contacts_phone_is_for_the_people_signed_up_not_every_visitor(client, call):
    shift = add_shift(call)
    person, other = PersonFactory(), PersonFactory()
    signup_create(shift=shift, volunteer=person)

    anonymous = page_of(client, call)
    client.force_login(other)
    not_signed_up = page_of(client, call)
    client.force_login(person)
    signed_up = page_of(client, call)

    assert "رضا" in anonymous and "03131234567" not in anonymous and "tel:" not in anonymous
    assert "tel:" not in not_signed_up
    assert 'href="tel:03131234567"' in signed_up


def test_every_page_offers_to_create_an_account_and_has_an_icon(client):
    page = client.get("/").content.decode()

    assert 'href="/account/signup/"' in page
    assert 'rel="icon"' in page
    assert client.get("/favicon.ico")["Location"].endswith("favicon.svg")
