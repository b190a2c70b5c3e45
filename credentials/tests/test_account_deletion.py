"""Deleting one's account: confirmed by a code to the mobile; personal data erased, places given up to the
waiting list, off the leaderboards and out of NGOs; the ledger, verifications and issued certificates stay
whole, belonging to an anonymous person."""

import datetime

import pytest
from django.core.cache import cache, caches
from django.db.models import Sum

from achievements.models import LeaderboardScore
from campaigns.models import SignUp
from campaigns.services import signup_create
from campaigns.tests.factories import PersonFactory, add_shift, publish_call
from credentials import services
from credentials.erasure import account_erase
from credentials.models import AccountDeletion
from rewards.models import LedgerEntry
from volunteers.models import Organisation, OrganisationMembership, User
from volunteers.sms import OutboxSmsBackend

from .test_certificates import PERIOD, verified

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()
    caches["limits"].clear()
    OutboxSmsBackend.outbox.clear()


def test_an_account_is_deleted_after_the_code_and_what_the_city_counts_stays_whole(
    client, django_capture_on_commit_callbacks
):
    person = PersonFactory(
        first_name="سارا", last_name="رحیمی", email="sara@example.org", phone="09121234567"
    )
    with django_capture_on_commit_callbacks(execute=True):
        verified(person, service_slug="street-sweeping-and-cleaning", hours="3")
    certificate = services.certificate_issue(person=person, language="fa", **PERIOD)
    points_before = LedgerEntry.objects.filter(account__user=person).aggregate(total=Sum("amount"))["total"]
    full = add_shift(publish_call(), starts_in=datetime.timedelta(days=2), capacity=1)
    signup_create(shift=full, volunteer=person)
    waiting = PersonFactory()
    signup_create(shift=full, volunteer=waiting)
    ngo = Organisation.objects.create(name_fa="سمن", registration_number="77")
    OrganisationMembership.objects.create(organisation=ngo, user=person, role="member")
    client.force_login(person)

    client.post("/account/delete/", {"step": "send"})
    code = OutboxSmsBackend.last_code("09121234567")
    wrong = client.post(
        "/account/delete/", {"step": "confirm", "code": "000000" if code != "000000" else "111111"}
    )
    assert wrong.status_code == 400 and User.objects.get(pk=person.pk).is_active
    response = client.post("/account/delete/", {"step": "confirm", "code": code})

    assert response.status_code == 302
    person.refresh_from_db()
    assert not person.is_active and not person.has_usable_password()
    assert (person.first_name, person.last_name, person.email, person.phone) == ("", "", "", None)
    assert AccountDeletion.objects.filter(person=person).exists()
    # Their place went to the person waiting; they left the NGO and the boards.
    assert SignUp.objects.get(shift=full, volunteer=waiting).status == SignUp.Status.CONFIRMED
    assert not OrganisationMembership.objects.filter(user=person).exists()
    board = LeaderboardScore.Board.INDIVIDUAL
    assert LeaderboardScore.objects.filter(board=board, subject_id=person.pk).exists()
    assert not LeaderboardScore.objects.filter(board=board, subject_id=person.pk, listed=True).exists()
    # The ledger and the certificate already issued are as they were.
    assert (
        LedgerEntry.objects.filter(account__user=person).aggregate(total=Sum("amount"))["total"]
        == points_before
    )
    assert client.get(f"/c/{certificate.serial}/").status_code == 200
    # Logged out.
    assert client.get("/account/").status_code == 302


def test_the_only_owner_of_an_ngo_with_members_hands_it_over_first(client):
    owner = PersonFactory(phone="09121112222")
    ngo = Organisation.objects.create(name_fa="سمن سبز", registration_number="78")
    OrganisationMembership.objects.create(organisation=ngo, user=owner, role="owner")
    OrganisationMembership.objects.create(organisation=ngo, user=PersonFactory(), role="member")
    client.force_login(owner)

    response = client.post("/account/delete/", {"step": "send"})

    assert response.status_code == 400
    assert "سمن سبز" in response.content.decode()
    assert OutboxSmsBackend.last_code("09121112222") is None


def test_what_a_deleted_person_said_to_the_city_stays_without_who_said_it():
    from voice.models import Item
    from voice.tests.factories import received

    person = PersonFactory(first_name="سارا", phone="09121230001")
    with_account = received(author=person, title="با حساب")
    by_number = received(mobile="09121230001", title="با شماره", name="سارا")
    someone_else = received(mobile="09121239999", title="دیگری")

    account_erase(person=person)

    for item in (with_account, by_number):
        item.refresh_from_db()
        assert (item.author, item.mobile, item.name) == (None, "", "")
    assert Item.objects.get(pk=someone_else.pk).mobile == "09121239999"
    assert Item.objects.count() == 3  # the departments' records and figures stay whole


def test_the_names_of_guests_a_deleted_person_brought_are_erased():
    from campaigns.tests.factories import add_shift, publish_call

    person = PersonFactory()
    shift = add_shift(publish_call(max_guests=2), starts_in=datetime.timedelta(days=-2))
    SignUp.objects.create(shift=shift, volunteer=person, status="confirmed", guests=1, guest_names=["مریم"])

    account_erase(person=person)

    assert SignUp.objects.get(volunteer=person).guest_names == []
