"""Django's PostgreSQL backend (`ENGINE = "core.postgresql"`), checking kept connections without a round trip.

With CONN_HEALTH_CHECKS Django asks a kept connection `SELECT 1` before the first statement of every
request: on a short request (a sign-up in a queue, a token's look-up) one round trip of three or four,
for a server that nearly always answers. A connection between two requests has nothing to read, so
whatever ended it has left something readable on its socket: a server that stopped, restarted or ended
the session (`pg_terminate_backend`, an idle timeout, a pooler's restart) sends its last error and closes
it, and a process that died leaves the end of the stream. Only a socket with something to read is asked
`SELECT 1`, as Django would ask it; a silent one is as usable as `SELECT 1` would have found it, without
reaching the server. (A link cut with nothing sent either way would leave `SELECT 1` waiting for TCP's
timeouts, so it is no worse for that.)
"""

import select

import psycopg
from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        if self.connection is None or self.connection.closed:
            return False
        pgconn = self.connection.pgconn
        if pgconn.status != pq.ConnStatus.OK or pgconn.transaction_status != pq.TransactionStatus.IDLE:
            return super().is_usable()
        try:
            poller = select.poll()
            poller.register(pgconn.socket, select.POLLIN)
            readable = bool(poller.poll(0))
        except (OSError, ValueError, psycopg.Error):
            return super().is_usable()
        return not readable or super().is_usable()
