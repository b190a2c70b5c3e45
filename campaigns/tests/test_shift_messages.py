"""Staff message the people of a shift: each person once, framed in their language, by e-mail and SMS;
people who turned organisers' messages off are skipped; nothing is sent for an empty message."""

import pytest
from django.utils import translation

from campaigns.models import ShiftMessage
from campaigns.notices import shift_message_deliver
from campaigns.services import shift_message_send, signup_create
from campaigns.tests.factories import PersonFactory, add_shift, publish_call
from campaigns.tests.test_admin_calls import staff_of
from core.errors import DomainError

pytestmark = pytest.mark.django_db


@pytest.fixture
def shift_with_people():
    shift = add_shift(publish_call(title_en="Sweeping Chaharbagh"), capacity=2)
    persian, english, opted_out, waiting = (
        PersonFactory(preferred_language="fa"),
        PersonFactory(preferred_language="en"),
        PersonFactory(organiser_messages=False),
        PersonFactory(preferred_language="en"),
    )
    for person in (persian, english, opted_out, waiting):
        signup_create(shift=shift, volunteer=person)
    return shift, {"persian": persian, "english": english, "opted_out": opted_out, "waiting": waiting}


def test_a_message_reaches_each_person_once_in_their_language_and_skips_who_opted_out(
    shift_with_people, django_capture_on_commit_callbacks, mailoutbox
):
    shift, people = shift_with_people
    staff = staff_of("urban_services")

    with translation.override("fa"), django_capture_on_commit_callbacks(execute=True):
        message = shift_message_send(
            shift=shift,
            actor=staff,
            audience=ShiftMessage.Audience.EVERYONE,
            text="لطفاً دستکش بیاورید.",
            text_en="Please bring gloves.",
        )
    mailoutbox[:] = [m for m in mailoutbox if "gloves" in m.body or "دستکش" in m.body]

    bodies = {m.to[0]: m.body for m in mailoutbox}
    assert set(bodies) == {people["persian"].email, people["english"].email, people["waiting"].email}
    assert "From the organisers of “Sweeping Chaharbagh”" in bodies[people["english"].email]
    assert "Please bring gloves." in bodies[people["english"].email]
    assert "لطفاً دستکش بیاورید." in bodies[people["persian"].email]
    # a second run (a retry, the outbox handing it over again) sends nothing more
    assert shift_message_deliver(message_id=message.pk) == 0


def test_a_message_to_the_waiting_list_reaches_only_it(
    shift_with_people, django_capture_on_commit_callbacks, mailoutbox
):
    shift, people = shift_with_people

    with django_capture_on_commit_callbacks(execute=True):
        shift_message_send(
            shift=shift, actor=staff_of("urban_services"), audience="waitlisted", text="جایی شاید خالی شود."
        )

    assert [m.to for m in mailoutbox if "خالی شود" in m.body] == [[people["waiting"].email]]


def test_an_empty_message_or_one_reaching_nobody_is_refused(shift_with_people):
    shift, _people = shift_with_people
    staff = staff_of("urban_services")
    empty_shift = add_shift(publish_call())

    with pytest.raises(DomainError) as empty:
        shift_message_send(shift=shift, actor=staff, audience="everyone", text="  \x00 ")
    with pytest.raises(DomainError) as nobody:
        shift_message_send(shift=empty_shift, actor=staff, audience="everyone", text="سلام")

    assert (empty.value.code, nobody.value.code) == ("message_invalid", "message_reaches_nobody")
    assert not ShiftMessage.objects.exists()


def test_staff_send_it_from_the_roster_and_see_it_there(
    shift_with_people, client, django_capture_on_commit_callbacks
):
    shift, _people = shift_with_people
    client.force_login(staff_of("urban_services"))
    roster = f"/admin/campaigns_shift/roster/{shift.pk}/"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{roster}message/", {"audience": "confirmed", "text": "ساعت ۸ جلوی در شمالی."}
        )

    assert response.status_code == 302
    page = client.get(roster).content.decode()
    assert "ساعت ۸ جلوی در شمالی." in page and 'name="audience"' in page
    assert ShiftMessage.objects.get().deliveries.count() == 2  # the two with a place
