"""The median aggregates PostgreSQL has built in (`percentile_cont`, `percentile_disc`), added to
SQLite connections so the program report counts the same way on both (the demo and the tests run
on SQLite)."""

from __future__ import annotations

import statistics
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper


class _Median:
    """`median(x)`: the middle value of the group's non-null values, the mean of the two middle
    ones when there is an even number of them, NULL when there is none."""

    def __init__(self) -> None:
        self.values: list[Any] = []

    def step(self, value: Any) -> None:
        if value is not None:
            self.values.append(value)

    def finalize(self) -> Any:
        return statistics.median(self.values) if self.values else None


class _LowerMedian(_Median):
    """`median_low(x)`: the middle value, the lower of the two middle ones when there is an even
    number of them (as `percentile_disc(0.5)`): always one of the values, so it takes dates too
    (SQLite keeps them as ISO text, which sorts as the dates do)."""

    def finalize(self) -> Any:
        return statistics.median_low(self.values) if self.values else None


def add_median(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """A `connection_created` receiver."""
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("median", 1, _Median)
        connection.connection.create_aggregate("median_low", 1, _LowerMedian)
