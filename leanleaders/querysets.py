"""Small helpers for reading querysets the same way everywhere."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, TypeVar

from django.db import connections, router
from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    F,
    IntegerField,
    JSONField,
    Model,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import JSONObject
from django.db.models.lookups import In
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

M = TypeVar("M", bound=Model)


class _InSubquery(In):
    """`lhs IN (subquery)`, which PostgreSQL reads as `lhs = ANY(ARRAY(subquery))`: the subquery
    is then worked out once before the scan and its values are searched for in the index of
    `lhs`. Inside an OR, `IN (subquery)` is a hashed subplan checked against every row of a
    scan of the whole table; as a value each arm of the OR is read from its own index (a
    BitmapOr). NULLs compare alike either way. Other databases get `IN (subquery)`."""

    def get_rhs_op(self, connection: Any, rhs: str) -> str:
        if connection.vendor == "postgresql" and not self.rhs_is_direct_value():
            return f"= ANY(ARRAY{rhs})"
        return str(super().get_rhs_op(connection, rhs))


def in_subquery(field: str, queryset: QuerySet[Any]) -> Q:
    """`Q(<field>__in=queryset)` (a queryset of one column) that PostgreSQL answers from the
    index of `field` even as one arm of an OR (see `_InSubquery`). For a column of the row
    itself: through a join the OR still spans two tables."""
    # Unordered: `__in` drops a subquery's order itself, the lookup used as an expression not.
    return Q(_InSubquery(F(field), queryset.order_by()))


class _CountOf(Subquery):
    """How many rows a queryset has, as a scalar subquery of the outer query. It refers to
    nothing outside itself, so the database works it out once per query, not once per row."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) counted)"
    output_field = IntegerField()


def count_of(queryset: QuerySet[Any]) -> Subquery:
    """How many rows `queryset` has, as an expression of another query (see `_CountOf`)."""
    return _CountOf(queryset.order_by().values("pk"))


class _CountsOf(Subquery):
    """How many rows a queryset of ids and boolean columns has, and how many of them have each
    of those columns true, as one JSON object (`{"count": n, column: m, ...}`): a scalar
    subquery of the outer query that reads the rows once for every count."""

    output_field = JSONField()
    template = "(SELECT %(build)s(%(pairs)s) FROM (%(subquery)s) counted)"

    def __init__(self, queryset: QuerySet[Any], columns: Sequence[str]) -> None:
        super().__init__(queryset)
        # The columns' names are written into the SQL as the keys: identifiers, never input.
        if not all(column.isidentifier() for column in columns):
            raise ValueError(f"Not column names: {columns!r}")
        self.columns = tuple(columns)

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        quote = connection.ops.quote_name
        pairs = ["'count', COUNT(*)"] + [
            f"'{column}', COUNT(*) FILTER (WHERE counted.{quote(column)})"
            for column in self.columns
        ]
        build = "JSONB_BUILD_OBJECT" if connection.vendor == "postgresql" else "JSON_OBJECT"
        return super().as_sql(compiler, connection, build=build, pairs=", ".join(pairs), **extra)  # type: ignore[call-arg]  # django-stubs lack Subquery.as_sql's template context


def head_and_counts(
    queryset: QuerySet[M], limit: int, **counts: Q
) -> tuple[list[M], dict[str, int]]:
    """The first `limit` rows of `queryset` and, in the same query, how many rows it has in all
    (`"count"`) and how many of them match each of `counts` (`name=Q(...)`).

    A card that shows the first few rows and says how many there are costs one query, not two.
    The counts read only the rows' ids and what `counts` test (no joined columns, no order),
    in one pass for all of them, so they cost what a separate COUNT would. With no row at all
    every count is 0."""
    tests = {name: ExpressionWrapper(q, output_field=BooleanField()) for name, q in counts.items()}
    counted = queryset.order_by().annotate(**tests).values("pk", *tests)
    rows = list(queryset.annotate(_head_counts=_CountsOf(counted, list(tests)))[:limit])
    if not rows:
        return rows, dict.fromkeys(["count", *tests], 0)
    counted_rows: dict[str, int] = rows[0]._head_counts  # the annotation above
    return rows, counted_rows


class _RowsOf(Subquery):
    """The rows of a queryset of plain columns, in its order, as one JSON array (empty when
    there is none) of objects shaped by `shape` ({key: column, or a nested shape}): a scalar
    subquery of the outer query.

    The objects are built from the rows the queryset keeps, after its ORDER BY and LIMIT. Built
    in its select list, PostgreSQL made one for every row it sorted: 760 to show 12 of a
    manager's people on the bench city (2 ms, where building the 12 takes 1)."""

    output_field = JSONField()

    def __init__(self, queryset: QuerySet[Any], shape: dict[str, Any]) -> None:
        super().__init__(queryset)
        self.shape = shape

    def _object(self, connection: Any, shape: dict[str, Any]) -> str:
        build = "JSONB_BUILD_OBJECT" if connection.vendor == "postgresql" else "JSON_OBJECT"
        parts = []
        for key, value in shape.items():
            # The keys are keyword arguments' names (identifiers), never input.
            parts.append(f"'{key}'")
            parts.append(
                self._object(connection, value)
                if isinstance(value, dict)
                else f"shown.{connection.ops.quote_name(value)}"
            )
        return f"{build}({', '.join(parts)})"

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "(SELECT COALESCE(JSONB_AGG(%(object)s), '[]') FROM (%(subquery)s) shown)"
        return self.as_sql(  # type: ignore[call-arg]  # django-stubs lack Subquery.as_sql's template
            compiler, connection, template=template, object=self._object(connection, self.shape)
        )

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "(SELECT JSON_GROUP_ARRAY(%(object)s) FROM (%(subquery)s) shown)"
        return self.as_sql(  # type: ignore[call-arg]  # django-stubs lack Subquery.as_sql's template
            compiler, connection, template=template, object=self._object(connection, self.shape)
        )


def _columns_of(fields: dict[str, Any], columns: dict[str, Any]) -> dict[str, Any]:
    """The shape of `fields` (name=expression or JSONObject(...)) as the names of the columns
    it adds to `columns`, one for each expression."""
    shape: dict[str, Any] = {}
    for key, value in fields.items():
        if not key.isidentifier():
            raise ValueError(f"Not a field name: {key!r}")
        if isinstance(value, JSONObject):
            # A JSONObject's expressions are its keys (as values) and theirs, in turn.
            expressions = value.get_source_expressions()
            nested = {k.value: e for k, e in zip(expressions[::2], expressions[1::2], strict=True)}
            shape[key] = _columns_of(nested, columns)
        else:
            shape[key] = f"_col{len(columns)}"
            columns[shape[key]] = value
    return shape


def rows_of(queryset: QuerySet[Any], limit: int | None, **fields: Any) -> Subquery:
    """The first `limit` rows of `queryset` (None: all), each a JSON object of `fields`
    (name=expression; nest `JSONObject(...)` for a related row), as an expression of another
    query: a card whose rows are only shown is read together with other cards' rows and counts,
    in one query. Read the dates back with `as_date`/`as_datetime`."""
    columns: dict[str, Any] = {}
    shape = _columns_of(fields, columns)
    return _RowsOf(queryset.values(**columns)[:limit], shape)


def as_datetime(value: str | None) -> dt.datetime | None:
    """A datetime read back from a JSON row (SQLite keeps it without its UTC offset)."""
    if value is None:
        return None
    moment = parse_datetime(value)
    if moment is None:
        raise ValueError(f"Not a datetime: {value!r}")
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, dt.UTC)


def as_date(value: str) -> dt.date:
    """A date read back from a JSON row."""
    day = parse_date(value)
    if day is None:
        raise ValueError(f"Not a date: {value!r}")
    return day


def sql_of(queryset: QuerySet[Any]) -> tuple[str, tuple[Any, ...]]:
    """The SQL of `queryset` and its parameters, to be a part of a statement written by hand
    (a report that joins several querysets' rows and counts them in one go)."""
    sql, params = queryset.query.sql_with_params()
    return sql, tuple(params)


def rows_update(objects: Sequence[M], fields: Sequence[str]) -> None:
    """Write `fields` of each of `objects` (instances of one model) to its row, like
    `QuerySet.bulk_update`: on PostgreSQL one UPDATE from a VALUES list of every row, elsewhere
    one UPDATE by primary key sent for every row (`executemany`).

    `bulk_update` builds a CASE expression per field with a branch per row, and Django resolves
    and compiles each branch in Python: about a millisecond per row and field, so the recompute
    commands spent most of their time there rather than in the database. The values are
    prepared by each field as a save would (decimals, dates, JSON), and no signal is sent, as
    with `bulk_update`.
    """
    if not objects:
        return
    model = type(objects[0])
    meta = model._meta
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    concrete = {field.name: field for field in meta.concrete_fields}
    key = next(field for field in meta.concrete_fields if field.primary_key)
    columns = [key, *(concrete[name] for name in fields)]
    rows = [
        [field.get_db_prep_save(getattr(obj, field.attname), connection) for field in columns]
        for obj in objects
    ]
    table, key_column = quote(meta.db_table), quote(key.column)
    # Only quoted names and types go into the text; every value is a parameter.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Typed placeholders: the VALUES list has no column types of its own.
            row = "({})".format(", ".join(f"%s::{f.db_type(connection)}" for f in columns))
            cursor.execute(
                "UPDATE {table} SET {sets} FROM (VALUES {rows}) AS v({names}) "  # noqa: S608
                "WHERE {table}.{key} = v.{key}".format(
                    table=table,
                    sets=", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in columns[1:]),
                    rows=", ".join([row] * len(rows)),
                    names=", ".join(quote(f.column) for f in columns),
                    key=key_column,
                ),
                [value for values in rows for value in values],
            )
        else:
            cursor.executemany(
                "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608
                    table, ", ".join(f"{quote(f.column)} = %s" for f in columns[1:]), key_column
                ),
                [[*values[1:], values[0]] for values in rows],
            )
