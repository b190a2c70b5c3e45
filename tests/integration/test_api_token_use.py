"""On PostgreSQL, outside a transaction (every API request), a token's look-up notes its use in the same
statement: one round trip, at most once a minute, never for a token that is refused, and without making
later commits of the connection skip waiting for the disk."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns.tests.factories import PersonFactory
from volunteers.errors import ApiTokenRefused
from volunteers.models import ApiToken
from volunteers.services import api_token_authenticate, api_token_create
from volunteers.tests.test_api_tokens import SPOILED_TOKENS

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def last_used(token: ApiToken):
    token.refresh_from_db(fields=["last_used_at"])
    return token.last_used_at


def test_the_look_up_notes_the_use_in_its_one_statement_at_most_once_a_minute(on_postgresql):
    token, secret = api_token_create(user=PersonFactory())
    assert connection.get_autocommit()
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = on")  # the test cluster's default is off

    with CaptureQueriesContext(connection) as first:
        found = api_token_authenticate(secret=secret)
    noted = last_used(token)
    with CaptureQueriesContext(connection) as again:
        api_token_authenticate(secret=secret)
    unchanged = last_used(token)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=noted - datetime.timedelta(minutes=2))
    api_token_authenticate(secret=secret)

    assert len(first.captured_queries) == 1 and "UPDATE" in first.captured_queries[0]["sql"]
    assert found.pk == token.pk and found.user.pk == token.user_id
    assert noted is not None and found.last_used_at == noted
    assert len(again.captured_queries) == 1 and unchanged == noted
    assert last_used(token) > noted
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"  # off for the note's own transaction only


@SPOILED_TOKENS
def test_a_refused_token_is_not_noted_as_used(on_postgresql, spoil, code):
    token, secret = api_token_create(user=PersonFactory())
    spoil(token)

    with pytest.raises(ApiTokenRefused) as refused:
        api_token_authenticate(secret=secret)

    assert refused.value.code == code
    assert last_used(token) is None
