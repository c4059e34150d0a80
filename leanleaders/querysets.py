"""Small helpers for reading querysets the same way everywhere."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import IntegerField, Model, Q, QuerySet, Subquery

M = TypeVar("M", bound=Model)


class _CountOf(Subquery):
    """How many rows a queryset has, as a scalar subquery of the outer query. It refers to
    nothing outside itself, so the database works it out once per query, not once per row."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) counted)"
    output_field = IntegerField()


def head_and_counts(
    queryset: QuerySet[M], limit: int, **counts: Q
) -> tuple[list[M], dict[str, int]]:
    """The first `limit` rows of `queryset` and, in the same query, how many rows it has in all
    (`"count"`) and how many of them match each of `counts` (`name=Q(...)`).

    A card that shows the first few rows and says how many there are costs one query, not two.
    The counts read only the rows' ids (no joined columns, no order), so they cost what a
    separate COUNT would. With no row at all every count is 0."""
    ids = queryset.order_by().values("pk")
    totals = {"count": ids} | {name: ids.filter(q) for name, q in counts.items()}
    rows = list(
        queryset.annotate(**{f"_head_{name}": _CountOf(qs) for name, qs in totals.items()})[:limit]
    )
    return rows, {name: getattr(rows[0], f"_head_{name}") if rows else 0 for name in totals}
