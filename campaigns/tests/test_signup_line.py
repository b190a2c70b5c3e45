"""Sign-ups waiting their turn in a shift's line while many sign up at once (campaigns.signup_line): who
joins the line, the answer they get at once, the order and rules they are decided by, and reading the
outcome through the API and the waiting page. The races on PostgreSQL are in test_signup_concurrency."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from campaigns import signup_line
from campaigns.models import SignUp, SignUpRequest
from campaigns.notices import notify_signup_created_task
from campaigns.services import call_close, signup_create
from campaigns.tests.factories import PersonFactory, add_shift, publish_call
from core.models import OutboxMessage
from tests.pytest_servers import require_postgresql
from volunteers.services import api_token_create

pytestmark = pytest.mark.django_db

ENGLISH = {"accept-language": "en"}


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    signup_line._lines_seen_open.clear()
    yield
    cache.clear()
    signup_line._lines_seen_open.clear()


@pytest.fixture(autouse=True)
def after_each_commit(django_capture_on_commit_callbacks, monkeypatch):
    """What runs after a commit (sending a worker) runs after each request: the test's transaction never
    commits."""
    original = Client.request

    def request(self, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return original(self, **kwargs)

    monkeypatch.setattr(Client, "request", request)


@pytest.fixture
def workers_sent(monkeypatch) -> list[int]:
    """No worker decides the line until the test calls signup_line_decide; the shifts one was sent to."""
    sent: list[int] = []
    monkeypatch.setattr(signup_line, "_line_worker_send", sent.append)
    return sent


def api_client(person, **headers) -> Client:
    _, secret = api_token_create(user=person, name="test")
    return Client(headers={"authorization": f"Bearer {secret}", **ENGLISH, **headers})


def being_decided(shift, count: int) -> None:
    """As if `count` sign-ups for the shift were being decided in other processes right now."""
    cache.set(signup_line._in_flight_key(shift.pk), count, timeout=60)


def test_a_sign_up_nobody_else_is_making_is_decided_at_once():
    shift = add_shift(publish_call(), capacity=1)
    being_decided(shift, 1)  # one other: still under SIGNUP_LINE_AFTER_IN_FLIGHT (2)

    response = api_client(PersonFactory()).post(f"/api/v1/shifts/{shift.pk}/signups")

    assert response.status_code == 201, response.content
    assert response.json()["status"] == "confirmed"
    assert not SignUpRequest.objects.exists()
    assert cache.get(signup_line._in_flight_key(shift.pk)) == 1  # counted while decided, then let go


def test_beyond_the_sign_ups_being_decided_people_are_answered_at_once_with_their_place_in_the_queue(
    workers_sent,
):
    shift = add_shift(publish_call(), capacity=1)
    being_decided(shift, 2)
    first, second = PersonFactory(), PersonFactory()

    answer = api_client(first).post(f"/api/v1/shifts/{shift.pk}/signups")
    # the line is now open: the next one joins it whatever is being decided
    cache.delete(signup_line._in_flight_key(shift.pk))
    later = api_client(second).post(f"/api/v1/shifts/{shift.pk}/signups")

    assert answer.status_code == 202, answer.content
    body = answer.json()
    entry = SignUpRequest.objects.get(person=first)
    assert body | {"created_at": None} == {
        "id": entry.pk,
        "shift_id": shift.pk,
        "state": "waiting",
        "queue_position": 1,
        "retry_after_seconds": 1,
        "signup": None,
        "code": "",
        "message": "",
        "created_at": None,
        "decided_at": None,
    }
    assert answer["Location"] == f"/api/v1/me/signup-requests/{entry.pk}"
    assert answer["Retry-After"] == "1"
    assert (later.status_code, later.json()["queue_position"]) == (202, 2)
    assert workers_sent == [shift.pk, shift.pk]
    assert not SignUp.objects.exists()  # nothing decided before its turn


def test_the_line_is_decided_in_the_order_it_came_by_the_usual_rules(workers_sent):
    shift = add_shift(publish_call(), capacity=1)
    cache.set(signup_line._open_key(shift.pk), 1)
    people = PersonFactory.create_batch(3)
    signup_create(shift=shift, volunteer=people[2])  # the third is already signed up
    clients = [api_client(person) for person in people]
    entries = [client.post(f"/api/v1/shifts/{shift.pk}/signups").json()["id"] for client in clients]

    decided = signup_line.signup_line_decide(shift_id=shift.pk)

    assert decided == 3
    first, second, third = (clients[i].get(f"/api/v1/me/signup-requests/{entries[i]}") for i in range(3))
    # people[2] took the one place directly, so the line's first is first on the waiting list
    assert first.json()["state"] == "signed_up"
    assert (first.json()["signup"]["status"], first.json()["signup"]["waitlist_position"]) == (
        "waitlisted",
        1,
    )
    assert (second.json()["signup"]["status"], second.json()["signup"]["waitlist_position"]) == (
        "waitlisted",
        2,
    )
    assert "Retry-After" not in first and first.json()["queue_position"] is None
    assert third.json() | {"created_at": None, "decided_at": None} == {
        "id": entries[2],
        "shift_id": shift.pk,
        "state": "refused",
        "queue_position": None,
        "retry_after_seconds": None,
        "signup": None,
        "code": "already_signed_up",
        "message": "You have already signed up for this shift.",
        "created_at": None,
        "decided_at": None,
    }
    assert SignUp.objects.filter(shift=shift).count() == 3
    assert signup_line.signup_line_decide(shift_id=shift.pk) == 0  # each decided once
    # each person signed up from the queue is told once, as after any sign-up; the refused one is not
    told = OutboxMessage.objects.filter(task_name=notify_signup_created_task.name).values_list(
        "args", flat=True
    )
    queued_signups = SignUpRequest.objects.exclude(signup=None).values_list("signup_id", flat=True)
    assert sorted(args[0] for args in told if args[0] in set(queued_signups)) == sorted(queued_signups)
    assert len(told) == 3  # people[2]'s own sign-up, and the two from the queue


def test_people_join_the_line_in_order_once_its_statement_is_prepared(request, settings, workers_sent):
    # PostgreSQL gets the join with its values apart, and prepares it once a connection has run it often;
    # after five runs of a prepared statement it may plan it without its values (a generic plan): the
    # ON CONFLICT must still find the index of entries waiting, whose predicate is no parameter then.
    require_postgresql(request, "The line's join statement is PostgreSQL's.")
    shift = add_shift(publish_call(), capacity=1)
    people = PersonFactory.create_batch(settings.PREPARE_THRESHOLD + 8)

    entries = [
        signup_line.signup_request_create(
            shift_id=shift.pk, person=person, accept_waiver_version=None, channel="api"
        )
        for person in people
    ]
    again = signup_line.signup_request_create(
        shift_id=shift.pk, person=people[-1], accept_waiver_version=None, channel="api"
    )

    assert [signup_line.queue_position(entry) for entry in entries] == list(range(1, len(people) + 1))
    assert again.pk == entries[-1].pk
    assert SignUpRequest.objects.filter(shift=shift, state="waiting").count() == len(people)
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert [statement for statement in prepared if "INSERT INTO campaigns_signuprequest" in statement]


def test_refusals_between_sign_ups_leave_the_batch_deciding_the_rest(workers_sent):
    # The batch decides without a savepoint per entry: a refusal must write nothing and break nothing.
    shift = add_shift(publish_call(), capacity=5)
    cache.set(signup_line._open_key(shift.pk), 1)
    people = PersonFactory.create_batch(5)
    for refused in (people[0], people[2], people[4]):
        signup_create(shift=shift, volunteer=refused)
    for person in people:
        api_client(person).post(f"/api/v1/shifts/{shift.pk}/signups")

    assert signup_line.signup_line_decide(shift_id=shift.pk) == 5

    outcomes = dict(SignUpRequest.objects.filter(shift=shift).values_list("person_id", "state"))
    assert [outcomes[person.pk] for person in people] == [
        "refused",
        "signed_up",
        "refused",
        "signed_up",
        "refused",
    ]
    assert SignUp.objects.filter(shift=shift).count() == 5
    shift.refresh_from_db()
    assert shift.confirmed_count == 5


def test_a_batch_locks_and_reads_its_people_together_and_decides_each_by_their_own_standing(workers_sent):
    # Each person's row locked and their standing read for the whole batch at once (two statements on
    # PostgreSQL, not two per person), and still each decided by what is true of them.
    shift = add_shift(publish_call(), capacity=5)
    cache.set(signup_line._open_key(shift.pk), 1)
    people = PersonFactory.create_batch(6)
    signup_create(shift=add_shift(publish_call()), volunteer=people[1])  # at the same time
    signup_create(shift=shift, volunteer=people[4])
    for person in people:
        api_client(person).post(f"/api/v1/shifts/{shift.pk}/signups")

    with CaptureQueriesContext(connection) as queries:
        assert signup_line.signup_line_decide(shift_id=shift.pk) == 6

    refusals = dict(SignUpRequest.objects.filter(shift=shift).values_list("person_id", "refusal_code"))
    assert [refusals[person.pk] for person in people] == [
        "", "overlapping_signup", "", "", "already_signed_up", "",
    ]  # fmt: skip
    statements = [query["sql"] for query in queries]
    person_locks = [sql for sql in statements if "FROM volunteers_user" in sql and "FOR NO KEY UPDATE" in sql]
    standings = [sql for sql in statements if "volunteers_guardianconsent" in sql]
    if connection.vendor == "postgresql":
        assert (len(person_locks), len(standings)) == (1, 1)
    else:  # SQLite writes one transaction at a time: no locks, a statement per person
        assert (len(person_locks), len(standings)) == (0, len(people))


def test_a_worker_waits_a_moment_after_a_batch_that_was_not_full_and_decides_what_came_meanwhile(
    workers_sent, monkeypatch
):
    shift = add_shift(publish_call(), capacity=10)
    cache.set(signup_line._open_key(shift.pk), 1)
    batches, waits = [], []
    decide_batch = signup_line._signup_line_batch_decide
    monkeypatch.setattr(
        signup_line,
        "_signup_line_batch_decide",
        lambda shift_id: batches.append(decide_batch(shift_id)) or batches[-1],
    )
    arriving = [api_client(person) for person in PersonFactory.create_batch(3)]

    def gather(seconds):
        waits.append(seconds)
        while len(arriving) > 1:  # two more arrive while the worker waits after its first batch
            arriving.pop().post(f"/api/v1/shifts/{shift.pk}/signups")

    monkeypatch.setattr(signup_line.time, "sleep", gather)
    arriving[0].post(f"/api/v1/shifts/{shift.pk}/signups")

    assert signup_line.signup_line_decide(shift_id=shift.pk) == 3

    assert batches == [
        1,
        2,
        0,
    ]  # the two who came while it waited in one batch of their own, by the same worker
    assert waits == [signup_line.GATHER_SECONDS] * 2
    assert SignUp.objects.filter(shift=shift, status="confirmed").count() == 3
    # A full batch is followed by the next one at once: a burst is decided without waiting.
    monkeypatch.setattr(signup_line, "BATCH_SIZE", 2)
    waits.clear()
    batches.clear()
    for client in [api_client(person) for person in PersonFactory.create_batch(3)]:
        client.post(f"/api/v1/shifts/{shift.pk}/signups")
    assert signup_line.signup_line_decide(shift_id=shift.pk) == 3
    assert batches == [2, 1, 0] and waits == [signup_line.GATHER_SECONDS]


def test_nobody_goes_ahead_of_people_still_waiting_once_the_queues_mark_is_gone(workers_sent):
    shift = add_shift(publish_call())
    cache.set(signup_line._open_key(shift.pk), 1)
    first = api_client(PersonFactory()).post(f"/api/v1/shifts/{shift.pk}/signups").json()["id"]
    cache.clear()  # the mark expired, or Redis restarted empty, while the worker was away
    signup_line._lines_seen_open.clear()  # and this process saw it open longer ago than a moment

    later = api_client(PersonFactory()).post(f"/api/v1/shifts/{shift.pk}/signups")

    assert later.status_code == 202 and later.json()["queue_position"] == 2
    signup_line.signup_line_decide(shift_id=shift.pk)
    first_signup, later_signup = (
        SignUpRequest.objects.get(pk=pk).signup_id for pk in (first, later.json()["id"])
    )
    assert first_signup < later_signup


def test_asking_again_while_waiting_gives_the_same_entry(workers_sent):
    shift = add_shift(publish_call())
    cache.set(signup_line._open_key(shift.pk), 1)
    client = api_client(PersonFactory())

    ids = {client.post(f"/api/v1/shifts/{shift.pk}/signups").json()["id"] for _ in range(3)}

    assert len(ids) == 1 and SignUpRequest.objects.count() == 1


def test_a_process_takes_a_line_it_saw_open_as_open_for_a_moment_then_asks_again(monkeypatch, workers_sent):
    shift = add_shift(publish_call(), capacity=5)
    cache.set(signup_line._open_key(shift.pk), 1)
    now = [1000.0]
    monkeypatch.setattr(signup_line.time, "monotonic", lambda: now[0])
    asked = []
    cache_get = cache.get

    def get(key, *args, **kwargs):
        asked.append(key)
        return cache_get(key, *args, **kwargs)

    monkeypatch.setattr(cache, "get", get)

    answers = [api_client(PersonFactory()).post(f"/api/v1/shifts/{shift.pk}/signups") for _ in range(3)]

    assert [answer.status_code for answer in answers] == [202, 202, 202]
    assert asked.count(signup_line._open_key(shift.pk)) == 1
    # The line closes (its mark expires); after the moment the next sign-up is decided at once.
    signup_line.signup_line_decide(shift_id=shift.pk)
    cache.delete(signup_line._open_key(shift.pk))
    now[0] += signup_line.LINE_SEEN_OPEN_SECONDS + 0.01
    assert api_client(PersonFactory()).post(f"/api/v1/shifts/{shift.pk}/signups").status_code == 201
    assert asked.count(signup_line._open_key(shift.pk)) == 2


def test_a_refusal_is_written_in_the_language_the_person_asked_in(workers_sent):
    shift = add_shift(publish_call())
    call = shift.call
    cache.set(signup_line._open_key(shift.pk), 1)
    person = PersonFactory()
    persian = api_client(person, **{"accept-language": "fa"})
    entry_id = persian.post(f"/api/v1/shifts/{shift.pk}/signups").json()["id"]
    call_close(call=call, actor=None)

    signup_line.signup_line_decide(shift_id=shift.pk)

    entry = SignUpRequest.objects.get(pk=entry_id)
    assert (entry.state, entry.refusal_code) == ("refused", "call_closed")
    with translation.override("fa"):
        assert entry.refusal_message == str(_("This call is closed to new sign-ups."))
    assert entry.refusal_message != "This call is closed to new sign-ups."


def test_a_call_taken_down_while_people_wait_refuses_them_as_a_missing_shift(workers_sent):
    shift = add_shift(publish_call())
    cache.set(signup_line._open_key(shift.pk), 1)
    entry_id = api_client(PersonFactory()).post(f"/api/v1/shifts/{shift.pk}/signups").json()["id"]
    shift.call.unpublish()

    signup_line.signup_line_decide(shift_id=shift.pk)

    assert SignUpRequest.objects.get(pk=entry_id).refusal_code == "shift_not_found"


def test_nobody_reads_anyone_elses_entry(workers_sent):
    shift = add_shift(publish_call())
    cache.set(signup_line._open_key(shift.pk), 1)
    entry_id = api_client(PersonFactory()).post(f"/api/v1/shifts/{shift.pk}/signups").json()["id"]

    other = api_client(PersonFactory()).get(f"/api/v1/me/signup-requests/{entry_id}")
    anonymous = Client(headers=ENGLISH).get(f"/api/v1/me/signup-requests/{entry_id}")

    assert other.status_code == 404
    assert other.json()["error"]["code"] == "signup_request_not_found"
    assert anonymous.status_code == 401


def test_the_worker_sent_after_the_commit_decides_the_entry():
    # Celery runs eagerly in tests: the worker sent after the commit runs right after the request.
    shift = add_shift(publish_call(), capacity=5)
    cache.set(signup_line._open_key(shift.pk), 1)
    client = api_client(PersonFactory())

    answer = client.post(f"/api/v1/shifts/{shift.pk}/signups")
    again = client.get(answer["Location"])

    assert (answer.status_code, answer.json()["state"]) == (202, "waiting")
    assert again.json()["state"] == "signed_up"
    assert again.json()["signup"]["status"] == "confirmed"
    assert "Retry-After" not in again
    assert cache.get(signup_line._worker_key(shift.pk)) is None  # the worker took its mark away


def test_the_sweep_decides_lines_no_worker_came_for(workers_sent):
    shift, fresh_shift = add_shift(publish_call()), add_shift(publish_call())
    for each in (shift, fresh_shift):
        cache.set(signup_line._open_key(each.pk), 1)
        api_client(PersonFactory()).post(f"/api/v1/shifts/{each.pk}/signups")
    SignUpRequest.objects.filter(shift=shift).update(
        created_at=timezone.now() - datetime.timedelta(minutes=1)
    )

    assert signup_line.signup_lines_decide_stalled() == 1

    assert SignUpRequest.objects.get(shift=shift).state == "signed_up"
    assert SignUpRequest.objects.get(shift=fresh_shift).state == "waiting"


def test_decided_entries_are_deleted_after_a_week_and_their_sign_ups_kept(workers_sent):
    shift = add_shift(publish_call())
    cache.set(signup_line._open_key(shift.pk), 1)
    for person in PersonFactory.create_batch(2):
        api_client(person).post(f"/api/v1/shifts/{shift.pk}/signups")
    signup_line.signup_line_decide(shift_id=shift.pk)
    old, recent = SignUpRequest.objects.order_by("pk")
    SignUpRequest.objects.filter(pk=old.pk).update(decided_at=timezone.now() - datetime.timedelta(days=8))
    api_client(PersonFactory()).post(f"/api/v1/shifts/{shift.pk}/signups")  # one still waiting

    assert signup_line.signup_requests_prune() == 1

    assert set(SignUpRequest.objects.values_list("state", flat=True)) == {"signed_up", "waiting"}
    assert not SignUpRequest.objects.filter(pk=old.pk).exists()
    assert SignUp.objects.filter(pk=old.signup_id).exists()


def test_without_a_cache_that_counts_every_sign_up_is_decided_at_once(monkeypatch):
    # Redis down: django-redis (IGNORE_EXCEPTIONS) answers None to every call.
    shift = add_shift(publish_call())
    monkeypatch.setattr(cache, "incr", lambda *args, **kwargs: None)
    monkeypatch.setattr(cache, "get", lambda *args, **kwargs: None)

    response = api_client(PersonFactory()).post(f"/api/v1/shifts/{shift.pk}/signups")

    assert response.status_code == 201


def test_the_line_can_be_turned_off(settings):
    settings.SIGNUP_LINE_AFTER_IN_FLIGHT = 0
    shift = add_shift(publish_call())
    cache.set(signup_line._open_key(shift.pk), 1)

    assert api_client(PersonFactory()).post(f"/api/v1/shifts/{shift.pk}/signups").status_code == 201


# --- The site ---------------------------------------------------------------------------------------------


@pytest.fixture
def shift_in_line():
    shift = add_shift(publish_call(), capacity=1)
    cache.set(signup_line._open_key(shift.pk), 1)
    return shift


def sign_up_on_the_site(client, shift, language="en"):
    with translation.override(language):
        url = reverse("volunteer:signup_create", args=[shift.pk])
        back = shift.call.get_url()
    return client.post(url, {"next": back}), back


def test_on_the_site_the_person_waits_on_a_page_with_their_place_then_hears_the_outcome(
    client, shift_in_line, workers_sent
):
    signup_create(shift=shift_in_line, volunteer=PersonFactory())  # the one place is taken
    person = PersonFactory()
    client.force_login(person)

    answer, back = sign_up_on_the_site(client, shift_in_line)

    entry = SignUpRequest.objects.get(person=person)
    waiting_url = answer["Location"]
    assert waiting_url.startswith(reverse("volunteer:signup_request", args=[entry.pk]))
    page = BeautifulSoup(client.get(waiting_url).content, "html.parser")
    assert page.h1.text == "You are in the queue to sign up"
    assert page.select_one("[data-place]").text == "1"
    assert page.select_one("[role=status]") is not None
    assert client.get(waiting_url + "&format=json").json() == {
        "state": "waiting",
        "queue_position": 1,
        "queue_position_text": "1",
        "retry_after_seconds": 1,
    }

    signup_line.signup_line_decide(shift_id=shift_in_line.pk)

    outcome = client.get(waiting_url)
    assert (outcome.status_code, outcome["Location"]) == (302, back)
    said = [str(message) for message in outcome.wsgi_request._messages]
    assert said == ["The shift is full, so you are on the waiting list, number 1."]


def test_the_waiting_page_says_the_place_in_persian_digits(client, shift_in_line, workers_sent):
    for person in PersonFactory.create_batch(2):
        client.force_login(person)
        answer, _back = sign_up_on_the_site(client, shift_in_line, language="fa")

    page = BeautifulSoup(client.get(answer["Location"]).content, "html.parser")

    assert page.select_one("[data-place]").text == "۲"


def test_a_refusal_that_asks_for_more_leads_to_the_requirements_page(client, workers_sent):
    shift = add_shift(publish_call(waiver_fa="دستکش بپوشید.", waiver_version="1"))
    cache.set(signup_line._open_key(shift.pk), 1)
    client.force_login(PersonFactory())
    answer, _back = sign_up_on_the_site(client, shift)

    signup_line.signup_line_decide(shift_id=shift.pk)
    outcome = client.get(answer["Location"])

    assert outcome.status_code == 302
    assert outcome["Location"].startswith(reverse("volunteer:signup_requirements", args=[shift.pk]))


def test_the_waiting_page_is_only_its_owners(client, shift_in_line, workers_sent):
    client.force_login(PersonFactory())
    answer, _back = sign_up_on_the_site(client, shift_in_line)
    client.force_login(PersonFactory())

    assert client.get(answer["Location"]).status_code == 404


def test_my_shifts_lists_sign_ups_still_waiting_in_a_queue(client, shift_in_line, workers_sent):
    person = PersonFactory()
    client.force_login(person)
    answer, _back = sign_up_on_the_site(client, shift_in_line)

    page = BeautifulSoup(client.get("/en/my/shifts/").content, "html.parser")

    section = page.select_one("section[aria-labelledby=queued-heading]")
    assert "Number 1 in the queue" in section.text
    assert section.select_one("a.button")["href"] == reverse_waiting_page(
        SignUpRequest.objects.get(person=person)
    )
    signup_line.signup_line_decide(shift_id=shift_in_line.pk)
    page = BeautifulSoup(client.get("/en/my/shifts/").content, "html.parser")
    assert page.select_one("section[aria-labelledby=queued-heading]") is None


def reverse_waiting_page(entry) -> str:
    with translation.override("en"):
        return reverse("volunteer:signup_request", args=[entry.pk])
