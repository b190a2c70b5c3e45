"""core.compiled_queries: a statement composed once answers as the ORM would for every new value."""

import datetime

import pytest
from django.utils import timezone

from core.compiled_queries import CompiledInstancesQuery, CompiledQuery, compose_every_query, instance
from core.models import OutboxMessage

pytestmark = pytest.mark.django_db

FIELDS = [OutboxMessage._meta.get_field(name) for name in ("id", "args", "created_at", "attempts")]


def _since_by_name(name, since, attempts):
    return (
        OutboxMessage.objects.filter(task_name=name, created_at__gte=since, attempts__lte=attempts)
        .order_by("id")
        .values_list("id", "args", "created_at", "attempts")
    )


def test_new_values_answer_as_the_orm_does():
    now = timezone.now()
    for hours, name, attempts in ((1, "a", 0), (5, "a", 3), (2, "b", 1), (30, "b", 2)):
        OutboxMessage.objects.create(
            task_name=name,
            args=[hours, {"x": name}],
            created_at=now - datetime.timedelta(hours=hours),
            attempts=attempts,
        )
    query = CompiledQuery(_since_by_name, fields=FIELDS, name=str, since=datetime.datetime, attempts=int)

    for name, hours, attempts in (("a", 2, 0), ("a", 6, 3), ("b", 48, 5), ("b", 48, 1), ("c", 48, 9)):
        since = now - datetime.timedelta(hours=hours)
        expected = list(_since_by_name(name, since, attempts))
        assert query.rows(name=name, since=since, attempts=attempts) == expected
    assert query.rows(name="a", since=now - datetime.timedelta(hours=6), attempts=3)[1][1] == [5, {"x": "a"}]


def test_instances_are_as_loaded_by_the_orm():
    message = OutboxMessage.objects.create(task_name="t", args=[1])
    query = CompiledQuery(
        lambda pk: OutboxMessage.objects.filter(pk=pk).values_list(
            *(field.attname for field in OutboxMessage._meta.concrete_fields)
        ),
        fields=OutboxMessage._meta.concrete_fields,
        pk=int,
    )

    (row,) = query.rows(pk=message.pk)
    loaded = instance(OutboxMessage, row)

    fresh = OutboxMessage.objects.get(pk=message.pk)
    assert [getattr(loaded, f.attname) for f in OutboxMessage._meta.concrete_fields] == [
        getattr(fresh, f.attname) for f in OutboxMessage._meta.concrete_fields
    ]
    assert not loaded._state.adding
    assert query.rows(pk=message.pk + 1) == []


def test_instances_of_some_fields_and_a_date_are_as_the_orm_loads_them_with_only():
    now = timezone.now()
    for days, name in ((0, "a"), (3, "a"), (10, "b")):
        created_at = now - datetime.timedelta(days=days)
        OutboxMessage.objects.create(task_name=name, args=[days], created_at=created_at)

    def filtered(name, since):
        return (
            OutboxMessage.objects.filter(task_name=name, created_at__date__gte=since)
            .only("task_name", "args")
            .order_by("id")[:5]
        )

    query = CompiledInstancesQuery(
        OutboxMessage, filtered, only=["id", "task_name", "args"], name=str, since=datetime.date
    )

    for name, days in (("a", 1), ("a", 5), ("b", 30), ("b", 1)):
        since = timezone.localdate() - datetime.timedelta(days=days)
        loaded, expected = query.list(name=name, since=since), list(filtered(name, since))
        assert [(m.pk, m.task_name, m.args) for m in loaded] == [
            (m.pk, m.task_name, m.args) for m in expected
        ]
        assert [m.get_deferred_fields() for m in loaded] == [m.get_deferred_fields() for m in expected]
    assert len(query.list(name="a", since=timezone.localdate() - datetime.timedelta(days=5))) == 2


def test_a_query_whose_sql_depends_on_its_values_is_refused():
    def by_year(since):
        messages = OutboxMessage.objects.values_list("id")
        return messages.filter(created_at__gte=since) if since.year == 1901 else messages

    with pytest.raises(ValueError, match="depends on its values"):
        CompiledQuery(by_year, fields=FIELDS[:1], since=datetime.datetime).rows(since=timezone.now())


def test_a_value_that_never_reaches_the_query_is_refused():
    query = CompiledQuery(
        lambda name, since: OutboxMessage.objects.filter(task_name=name).values_list("id"),
        fields=FIELDS[:1],
        name=str,
        since=datetime.datetime,
    )

    with pytest.raises(ValueError, match="does not reach"):
        query.rows(name="a", since=timezone.now())


@pytest.mark.django_db(databases=[])
def test_every_declared_statement_is_composed_at_once_without_a_connection():
    # (No database allowed in this test: composing must not need one.)
    query = CompiledQuery(_since_by_name, fields=FIELDS, name=str, since=datetime.datetime, attempts=int)
    instances = CompiledInstancesQuery(OutboxMessage, lambda pk: OutboxMessage.objects.filter(pk=pk), pk=int)
    assert "default" not in query._compiled

    composed = compose_every_query("default")

    assert "default" in query._compiled and "default" in instances.query._compiled
    assert composed >= 2
    assert compose_every_query("default") == composed  # each statement once, however declared
