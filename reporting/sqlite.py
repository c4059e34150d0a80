"""The median aggregate PostgreSQL has built in (`percentile_cont`), added to SQLite connections
so the program report counts the same way on both (the demo and the tests run on SQLite)."""

from __future__ import annotations

import statistics
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper


class _Median:
    """`median(x)`: the middle value of the group's non-null values, the mean of the two middle
    ones when there is an even number of them, NULL when there is none."""

    def __init__(self) -> None:
        self.values: list[float] = []

    def step(self, value: float | None) -> None:
        if value is not None:
            self.values.append(value)

    def finalize(self) -> float | None:
        return statistics.median(self.values) if self.values else None


def add_median(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """A `connection_created` receiver."""
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("median", 1, _Median)
