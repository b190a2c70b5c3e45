"""A call's page keeps the parts that are the same for every reader (`{% kept %}`), and each reader still
gets their own: their place on a shift, the contact's phone once signed up. A change of the call is
on the page at once."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from campaigns.services import call_index_ensure, signup_create
from campaigns.tests.factories import PersonFactory, add_shift
from campaigns.tests.test_listing_speed import make_call

# The versions that replace kept parts are set once a change commits, as in a request: these tests commit.
committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)
pytestmark = pytest.mark.usefixtures("empty_cache")

PHONE = "09123334455"


def page(client, call):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(call.url)
    assert response.status_code == 200
    return response.content.decode(), queries


@committed
def test_the_parts_for_everyone_are_kept_and_each_reader_gets_their_own():
    call_index_ensure()
    call = make_call(contact_name="خانم رضایی", contact_phone=PHONE)
    shift = add_shift(call, capacity=4)
    signed_up, other = PersonFactory(), PersonFactory()
    signup_create(shift=shift, volunteer=signed_up)
    theirs, others = Client(), Client()
    theirs.force_login(signed_up)
    others.force_login(other)

    page(Client(), call)  # the parts are kept
    mine, mine_queries = page(theirs, call)
    not_mine, _ = page(others, call)

    # The call's facts came from the kept parts: its skills and qualifications were not read again.
    assert not any("required_skills" in query["sql"] for query in mine_queries.captured_queries)
    assert "۰۹۱۲۳۳۳۴۴۵۵" in mine and "۰۹۱۲۳۳۳۴۴۵۵" not in not_mine
    assert "خانم رضایی" in mine and "خانم رضایی" in not_mine
    assert BeautifulSoup(mine, "html.parser").select_one(".call-facts") is not None


@committed
def test_a_change_of_the_call_is_on_its_page_at_once():
    call_index_ensure()
    call = make_call()
    add_shift(call)
    client = Client()
    before, _ = page(client, call)
    assert "یک روز کار برای شهر" in before

    call.summary_fa = "دو روز کار برای محله"
    call.save_revision().publish()
    after, _ = page(client, call)

    assert "دو روز کار برای محله" in after and "یک روز کار برای شهر" not in after
