"""Statements the ORM composes once per process and that run again with new values.

The few statements every request of a hot path runs (a sign-up's shift with its call, say) cost more CPU
in Django's query compiler than the database takes to answer them. `CompiledQuery` keeps the ORM as the one
place that says what such a statement is: it compiles the queryset twice with two sets of stand-in values,
learns from the difference which parameters are the values, and from then on sends the same SQL with the
new values. Rows come back converted as the ORM would convert them, and `instance` makes model instances
from their columns. `compose_every_query` composes all of them at once: gunicorn's master does it before
forking (config/warm.py), so no worker composes them on its first requests.
"""

from __future__ import annotations

import datetime
import functools
import weakref
from collections.abc import Callable, Sequence

from django.db import connections
from django.db.models import Field, Model, QuerySet, Value

# SQL put before a statement (`WITH …`) and its parameters.
WithClause = tuple[str, Sequence]

# Every statement declared so far, for compose_every_query.
_declared: weakref.WeakSet = weakref.WeakSet()


def _stand_in(kind: type, index: int, which: int):
    """The `which`-th (0 or 1) stand-in for the `index`-th value of a query: unlike any real value, and
    within the range of every integer field (Django refuses a lookup out of a field's range)."""
    if kind is datetime.datetime:
        return datetime.datetime(
            1901 + which, 2, 3, 4, 5, 6, 789012, tzinfo=datetime.UTC
        ) + datetime.timedelta(days=index)
    if kind is datetime.date:
        return datetime.date(1901 + which, 2, 3) + datetime.timedelta(days=index)
    if kind is int:
        return 29_011 + 100 * index + which
    if kind is str:
        return f"\u2063stand-in {index}.{which}\u2063"
    raise TypeError(f"no stand-in for {kind}")


class CompiledQuery:
    """`build(**values)` gives a queryset with `.values_list(*field paths)`; `fields` are the model fields
    those columns hold, in order; `kinds` the type of each value (`datetime.datetime`, `datetime.date`,
    `int` or `str`)."""

    def __init__(self, build: Callable[..., QuerySet], *, fields: Sequence[Field], **kinds: type):
        self.build = build
        self.fields = list(fields)
        self.kinds = kinds
        self._compiled: dict[str, tuple[str, list, dict[int, str]]] = {}
        # Per connection object: a converter may be a method of that connection's backend.
        self._converters: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        _declared.add(self)

    def _compile(self, alias: str) -> tuple[str, list, dict[int, str]]:
        compiled = self._compiled.get(alias)
        if compiled is None:
            first = {name: _stand_in(kind, i, 0) for i, (name, kind) in enumerate(self.kinds.items())}
            second = {name: _stand_in(kind, i, 1) for i, (name, kind) in enumerate(self.kinds.items())}
            sql, params = self.build(**first).query.get_compiler(using=alias).as_sql()
            other_sql, other_params = self.build(**second).query.get_compiler(using=alias).as_sql()
            if sql != other_sql or len(params) != len(other_params):
                raise ValueError("the query's SQL depends on its values: it cannot be compiled once")
            positions = {}
            for index, (one, two) in enumerate(zip(params, other_params, strict=True)):
                if one != two:
                    name = next((n for n, v in first.items() if _same(one, v, alias)), None)
                    if name is None:
                        raise ValueError(f"parameter {index} changed but is none of the values")
                    positions[index] = name
            if set(positions.values()) != set(self.kinds):
                raise ValueError("a value does not reach the query's parameters")
            compiled = self._compiled[alias] = (sql, list(params), positions)
        return compiled

    def rows(self, *, using: str = "default", with_clause: WithClause | None = None, **values) -> list[tuple]:
        """The rows for `values`; `with_clause`: a `WITH …` put before the statement (its SQL, with `%s`
        for its parameters, and the parameters), to run in the same statement."""
        sql, params, positions = self._compile(using)
        connection = connections[using]
        params = list(params)
        for index, name in positions.items():
            params[index] = _adapted(values[name], connection)
        if with_clause is not None:
            sql, params = with_clause[0] + " " + sql, [*with_clause[1], *params]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        converters = self._converters.get(connection)
        if converters is None:
            converters = self._converters[connection] = column_converters(self.fields, connection)
        return [converted(row, converters, connection) for row in rows]


class CompiledInstancesQuery:
    """`model` instances, each with the relations along `related` loaded (paths such as "shift__call", as
    `select_related` would give them) and each of `annotations` (name: output field) set on it, read by a
    CompiledQuery: `filtered(**values)` gives the filtered (annotated, ordered, sliced) queryset of `model`;
    `kinds` as CompiledQuery's. `only`: the model's fields to load (the rest deferred, as `.only()` leaves
    them), by attribute name; every field when None."""

    def __init__(
        self,
        model: type[Model],
        filtered: Callable[..., QuerySet],
        *,
        related: Sequence[str] = (),
        annotations: dict[str, Field] | None = None,
        only: Sequence[str] | None = None,
        **kinds: type,
    ):
        self.model = model
        self.filtered = filtered
        self.related = list(related)
        self.annotations = dict(annotations or {})
        self.only = None if only is None else set(only)
        self.kinds = kinds
        _declared.add(self)

    @functools.cached_property
    def loaded(self) -> list[str]:
        """The attribute names of the model's fields loaded, in the model's order (as from_db takes them)."""
        fields = self.model._meta.concrete_fields
        return [field.attname for field in fields if self.only is None or field.attname in self.only]

    @functools.cached_property
    def paths(self) -> list[tuple[str, type[Model], int, int]]:
        """Every relation on the way, parents first ("shift", then "shift__call"): its path, its model, how
        many columns it has and where its primary key is among them."""
        paths: dict[str, type[Model]] = {}
        for path in self.related:
            model = self.model
            parts = path.split("__")
            for depth, part in enumerate(parts, start=1):
                model = model._meta.get_field(part).related_model
                paths.setdefault("__".join(parts[:depth]), model)
        return [
            (path, model, len(model._meta.concrete_fields), model._meta.concrete_fields.index(model._meta.pk))
            for path, model in paths.items()
        ]

    @functools.cached_property
    def query(self) -> CompiledQuery:
        # On first use, not at import: related models are known once the app registry is ready.
        fields = [field for field in self.model._meta.concrete_fields if field.attname in self.loaded]
        columns = list(self.loaded)
        for path, model, _count, _pk_index in self.paths:
            columns += [f"{path}__{field.attname}" for field in model._meta.concrete_fields]
            fields += model._meta.concrete_fields
        columns += list(self.annotations)
        fields += list(self.annotations.values())
        return CompiledQuery(
            lambda **values: self.filtered(**values).values_list(*columns), fields=fields, **self.kinds
        )

    def list(self, *, using: str = "default", with_clause: WithClause | None = None, **values) -> list[Model]:
        found = []
        for row in self.query.rows(using=using, with_clause=with_clause, **values):
            count = len(self.loaded)
            loaded = {"": instance(self.model, row[:count], using=using, attnames=self.loaded)}
            start = count
            for path, model, count, pk_index in self.paths:
                columns = row[start : start + count]
                start += count
                parent, _, name = path.rpartition("__")
                if loaded.get(parent) is None:  # under a relation that is empty
                    loaded[path] = None
                    continue
                loaded[path] = None if columns[pk_index] is None else instance(model, columns, using=using)
                setattr(loaded[parent], name, loaded[path])
            for name, value in zip(self.annotations, row[start:], strict=True):
                setattr(loaded[""], name, value)
            found.append(loaded[""])
        return found

    def get(self, *, using: str = "default", with_clause: WithClause | None = None, **values) -> Model | None:
        """The first instance, or None (for a queryset filtered to one row)."""
        found = self.list(using=using, with_clause=with_clause, **values)
        return found[0] if found else None


class CompiledInstanceQuery(CompiledInstancesQuery):
    """One `model` instance with its `relation` loaded, as `select_related(relation)` would give it, read
    by a CompiledQuery: `filtered(**values)` gives the filtered queryset of `model`; `kinds` as
    CompiledQuery's."""

    def __init__(self, model: type[Model], relation: str, filtered: Callable[..., QuerySet], **kinds: type):
        super().__init__(model, filtered, related=[relation], **kinds)


def compose_every_query(using: str = "default") -> int:
    """Composes every statement declared so far for the database `using` (Django's compiler needs no
    connection for it); returns how many."""
    queries = {
        declared.query if isinstance(declared, CompiledInstancesQuery) else declared
        for declared in list(_declared)
    }
    for query in queries:
        query._compile(using)
    return len(queries)


def column_converters(fields: Sequence[Field], connection) -> list[tuple]:
    """For each field, its column and what the ORM runs on a value read from it: the backend's
    converters (SQLite's dates and booleans, say), then the field's own (from_db_value). A field of no
    model is an annotation's output field."""
    converters = []
    for field in fields:
        if getattr(field, "model", None) is None:
            column = Value(None, output_field=field)
        else:
            column = field.get_col(field.model._meta.db_table)
        functions = (*connection.ops.get_db_converters(column), *column.get_db_converters(connection))
        converters.append((column, functions))
    return converters


def converted(row: Sequence, converters: list[tuple], connection) -> tuple:
    values = []
    for value, (column, functions) in zip(row, converters, strict=True):
        for function in functions:
            value = function(value, column, connection)
        values.append(value)
    return tuple(values)


def instance(
    model: type[Model], values: Sequence, *, using: str = "default", attnames: Sequence[str] | None = None
) -> Model:
    """A model instance from the values of all its concrete fields (or of those named by `attnames`, the
    rest deferred), in their order, as loaded from the database."""
    if attnames is None:
        attnames = [field.attname for field in model._meta.concrete_fields]
    return model.from_db(using, attnames, values)


def _adapted(value, connection):
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, datetime.date):
        return connection.ops.adapt_datefield_value(value)
    return value


def _same(param, stand_in, alias: str) -> bool:
    return param == stand_in or param == _adapted(stand_in, connections[alias])
