"""A call's page keeps the parts that are the same for every reader (`{% kept %}`), and each reader still
gets their own: their place on a shift, the contact's phone once signed up. A change of the call is
on the page at once."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from campaigns.models import OpenCallPage
from campaigns.selectors import call_list_version
from campaigns.services import call_close, call_index_ensure, signup_create
from campaigns.tests.factories import PersonFactory, add_shift
from campaigns.tests.test_listing_speed import make_call
from core.cached_answers import with_reader_parts

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


def cell(html: str, shift) -> str:
    """The text of the sign-up cell of one shift."""
    return (
        BeautifulSoup(html, "html.parser").select_one(f'tr[data-shift-id="{shift.pk}"] .shift__signup').text
    )


@committed
def test_the_whole_page_is_kept_and_a_signed_in_reader_gets_it_with_their_own_parts(monkeypatch):
    call_index_ensure()
    call = make_call(contact_name="خانم رضایی", contact_phone=PHONE)
    first, second = (
        add_shift(call, capacity=4),
        add_shift(call, capacity=4, starts_in=datetime.timedelta(days=3)),
    )
    signed_up, other = PersonFactory(), PersonFactory()
    signup_create(shift=first, volunteer=signed_up)
    theirs, others = Client(), Client()
    theirs.force_login(signed_up)
    others.force_login(other)
    anonymous, _ = page(Client(), call)  # kept as a reader without a session gets it

    rendered = []
    original = OpenCallPage.get_context
    monkeypatch.setattr(
        OpenCallPage, "get_context", lambda *args, **kwargs: rendered.append(1) or original(*args, **kwargs)
    )
    mine, _ = page(theirs, call)
    not_mine, _ = page(others, call)

    assert rendered == []  # neither page was rendered again: each is the kept one with the reader's parts
    assert "ثبت‌نام شما قطعی است" in cell(mine, first) and "ثبت‌نام" in cell(mine, second)
    assert BeautifulSoup(mine, "html.parser").select_one(
        f'tr[data-shift-id="{second.pk}"] form input[name=csrfmiddlewaretoken]'
    )
    assert "ثبت‌نام شما قطعی است" not in cell(not_mine, first)
    assert "۰۹۱۲۳۳۳۴۴۵۵" in mine and "۰۹۱۲۳۳۳۴۴۵۵" not in not_mine
    assert "<!--reader:" in anonymous  # the markers stay, around the anonymous reader's parts
    assert "csrfmiddlewaretoken" not in anonymous and "۰۹۱۲۳۳۳۴۴۵۵" not in anonymous
    assert 'href="/my/shifts/"' in mine and 'href="/my/shifts/"' not in anonymous  # their own menu


@committed
def test_a_sign_up_and_a_closure_are_on_the_kept_page_at_once():
    call_index_ensure()
    call = make_call()
    shift = add_shift(call, capacity=4)
    person = PersonFactory()
    client = Client()
    client.force_login(person)
    page(Client(), call)
    before, _ = page(client, call)
    assert "ثبت‌نام شما قطعی است" not in cell(before, shift)

    response = client.post(f"/my/shifts/{shift.pk}/sign-up/", {"next": call.url})
    assert response.status_code == 302
    after, _ = page(client, call)
    assert "ثبت‌نام شما قطعی است" in cell(after, shift)
    free = BeautifulSoup(after, "html.parser").select_one(
        f'tr[data-shift-id="{shift.pk}"] [data-free-places]'
    )
    assert free.text.strip() == "۳"

    call_close(call=call, actor=None, reason="باران")
    closed, _ = page(_client_of(PersonFactory()), call)
    assert "باران" in closed and not BeautifulSoup(closed, "html.parser").select("form.shift-signup__form")


@committed
def test_a_sign_up_or_closure_of_another_call_leaves_this_calls_kept_page_in_place(monkeypatch):
    call_index_ensure()
    call, other = make_call(), make_call()
    shift, other_shift = add_shift(call, capacity=4), add_shift(other, capacity=4)
    reader = _client_of(PersonFactory())
    page(Client(), call)  # kept as a reader without a session gets it
    rendered = []
    original = OpenCallPage.get_context
    monkeypatch.setattr(
        OpenCallPage, "get_context", lambda *args, **kwargs: rendered.append(1) or original(*args, **kwargs)
    )

    listing_version = call_list_version()

    signup_create(shift=other_shift, volunteer=PersonFactory())
    call_close(call=other, actor=None, reason="باران")
    page(reader, call)
    assert rendered == []  # the kept page, with the reader's own parts put in
    # The listing, which shows every call's free places, is kept under a version both changes replaced.
    assert call_list_version() != listing_version

    signup_create(shift=shift, volunteer=PersonFactory())
    after, _ = page(reader, call)
    assert rendered == [1]  # this call's own places changed: rendered again, and right
    free = BeautifulSoup(after, "html.parser").select_one(
        f'tr[data-shift-id="{shift.pk}"] [data-free-places]'
    )
    assert free.text.strip() == "۳"


def _client_of(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_a_kept_page_whose_reader_part_is_missing_is_not_given_with_the_kept_part():
    def part(name, text):
        return f"<!--reader:{name}-->{text}<!--/reader:{name}-->"

    kept = "<p>a</p>" + part("shift-1", "log in") + part("shift-2", "log in")

    assert with_reader_parts(kept, part("shift-1", "signed up")) is None
    theirs = part("shift-2", "sign up") + part("shift-1", "signed up") + part("contact", "phone")
    assert with_reader_parts(kept, theirs) == "<p>a</p>" + part("shift-1", "signed up") + part(
        "shift-2", "sign up"
    )
