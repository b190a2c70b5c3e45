"""Reads from a PostgreSQL streaming replica: a real standby made with `pg_basebackup` from this session's
primary, on its own port. The open calls, leaderboards and open city read from it; whoever just wrote reads
from the primary; writes never go to it; and when it is stopped the pages answer from the primary."""

import time
import uuid
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from campaigns.tests.factories import PersonFactory, add_shift, publish_call
from core import db_routing
from tests.servers import Standby
from volunteers.services import api_token_create

# Real commits (the standby sees only those), the catalogue restored after each test; the replica is a
# mirror of default for the test machinery, so it is never flushed (a standby cannot be).
pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=["default", "replica"]),
]


@pytest.fixture(scope="module", autouse=True)
def replica(on_postgresql, django_db_setup, django_db_blocker) -> Iterator[Standby]:
    """One standby for the module, as an alias of its own; module-scoped, so it exists before a test's
    database access is set up."""
    primary = connection.settings_dict
    with django_db_blocker.unblock():
        standby = Standby(int(primary["PORT"]))
    connections.settings[db_routing.REPLICA] = {
        **primary,
        "PORT": str(standby.port),
        "CONN_MAX_AGE": 0,
        "TEST": {**primary.get("TEST", {}), "MIRROR": "default"},
    }
    db_routing._replica_paused_until = 0.0
    try:
        yield standby
    finally:
        connections[db_routing.REPLICA].close()
        del connections[db_routing.REPLICA]
        del connections.settings[db_routing.REPLICA]
        standby.remove()


def caught_up(timeout: float = 10.0) -> None:
    """Waits until the replica has replayed everything the primary has written so far."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_insert_lsn()")
        (written,) = cursor.fetchone()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connections[db_routing.REPLICA].cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [written])
            if cursor.fetchone()[0]:
                return
        time.sleep(0.05)
    raise AssertionError("the replica did not catch up")


def test_the_listing_reads_from_the_replica_and_the_reader_who_just_wrote_reads_from_the_primary(replica):
    marker = f"replica-{uuid.uuid4().hex[:8]}"
    call = publish_call(title_en=marker)
    shift = add_shift(call, capacity=5)
    with connections[db_routing.REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone()[0] is True  # a real standby, not the primary under another name
    caught_up()
    cache.clear()  # answers kept by earlier tests' listings are not this one's

    # Anyone's reading of the listing: from the replica, the primary untouched.
    client = Client()
    with CaptureQueriesContext(connections[db_routing.REPLICA]) as on_replica, \
            CaptureQueriesContext(connection) as on_primary:  # fmt: skip
        answer = client.get("/api/v1/calls?page_size=100")
    assert answer.status_code == 200 and marker in answer.content.decode()
    assert on_replica.captured_queries
    # The primary is asked only how far it has written, to know the replica has all of it (the answer
    # is kept for everyone: see test_a_kept_answer_is_never_read_from_a_replica_behind_the_change).
    assert [query["sql"] for query in on_primary.captured_queries] == ["SELECT pg_current_wal_insert_lsn()"]

    # A volunteer signs up (a write, on the primary: the standby is read-only) and reads right after it.
    person = PersonFactory()
    _token, secret = api_token_create(user=person)
    headers = {"Authorization": f"Bearer {secret}"}
    signed_up = client.post(f"/api/v1/shifts/{shift.pk}/signups", headers=headers)
    assert signed_up.status_code == 201, signed_up.content
    with CaptureQueriesContext(connections[db_routing.REPLICA]) as on_replica:
        client.get("/api/v1/calls?page_size=100&has_free_places=true", headers=headers)
    assert not on_replica.captured_queries  # pinned to the primary for REPLICA_PIN_SECONDS


def test_with_the_replica_stopped_the_public_pages_answer_from_the_primary(replica):
    publish_call()
    replica.stop()
    client = Client()

    public = ("/api/v1/calls", "/api/v1/leaderboards/individuals", "/open-city/", "/api/v1/open-city/work")
    for path in public:
        assert client.get(path).status_code == 200, path
    assert db_routing._replica_paused_until > time.monotonic()  # left alone for a while

    # Back again: once the pause is over, reads go to it again.
    replica.start()
    db_routing._replica_paused_until = 0.0
    with CaptureQueriesContext(connections[db_routing.REPLICA]) as on_replica:
        assert client.get("/api/v1/leaderboards/individuals?period=all").status_code == 200
    assert on_replica.captured_queries


def free_places(answer, call_id: int) -> int:
    (call,) = [call for call in answer.json()["items"] if call["id"] == call_id]
    return call["free_places"]


def test_a_kept_answer_is_never_read_from_a_replica_behind_the_change(replica):
    call = publish_call()
    shift = add_shift(call, capacity=5)
    caught_up()
    cache.clear()
    client = Client()
    assert free_places(client.get("/api/v1/calls?page_size=100"), call.pk) == 5

    with connections[db_routing.REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
    try:
        # Someone takes a place: the listing's kept answers are replaced, on every node at once. The
        # replica has not seen the sign-up; the answer kept next must not be read from it.
        person = PersonFactory()
        _token, secret = api_token_create(user=person)
        assert client.post(
            f"/api/v1/shifts/{shift.pk}/signups", headers={"Authorization": f"Bearer {secret}"}
        ).status_code == 201
        anyone = Client()
        with CaptureQueriesContext(connections[db_routing.REPLICA]) as on_replica:
            answer = anyone.get("/api/v1/calls?page_size=100")
        assert free_places(answer, call.pk) == 4
        assert any("pg_last_wal_replay_lsn" in query["sql"] for query in on_replica.captured_queries)
        assert free_places(Client().get("/api/v1/calls?page_size=100"), call.pk) == 4  # and that is kept
    finally:
        with connections[db_routing.REPLICA].cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_resume()")
    caught_up()
