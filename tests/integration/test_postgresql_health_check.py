"""Kept connections are checked before each request's first statement (CONN_HEALTH_CHECKS) without a round
trip (core.postgresql): one the server ended is replaced, one that is fine is used as it is."""

import select
import time
from unittest import mock

import psycopg
import pytest
from django.db import connection

# Outside a test transaction: a connection in one is checked with `SELECT 1`, as Django does.
pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def next_request() -> None:
    """What Django does for a kept connection when a request starts (`close_old_connections`)."""
    connection.close_if_unusable_or_obsolete()


def test_a_kept_connection_that_is_fine_is_used_without_asking_the_server(on_postgresql):
    assert connection.settings_dict["CONN_HEALTH_CHECKS"]
    pid = backend_pid()
    kept = connection.connection
    next_request()
    assert not connection.health_check_done
    with mock.patch.object(type(kept), "cursor", side_effect=AssertionError("a round trip to check it")):
        connection.close_if_health_check_failed()
    assert connection.health_check_done and connection.connection is kept
    assert backend_pid() == pid


def test_a_connection_the_server_ended_is_replaced_before_the_next_statement(on_postgresql):
    pid = backend_pid()
    kept = connection.connection
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        assert other.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0] is True
    # The server's last words reach the kept connection's socket.
    poller = select.poll()
    poller.register(kept.pgconn.socket, select.POLLIN)
    deadline = time.monotonic() + 10
    while not poller.poll(100):
        assert time.monotonic() < deadline, "the ended connection never became readable"

    next_request()
    assert backend_pid() != pid  # a new connection, not an error
    assert connection.connection is not kept
