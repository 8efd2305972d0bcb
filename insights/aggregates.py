"""A median that runs in the database: PostgreSQL's ``percentile_cont(0.5)``, and on the
embedded demo's SQLite an aggregate function added to each connection as it opens."""

from __future__ import annotations

import statistics

from django.db.models import Aggregate, DurationField


class Median(Aggregate):
    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="hearth_median",
                              template="%(function)s(%(expressions)s)", **extra_context)


class _SQLiteMedian:
    def __init__(self):
        self.values: list[float] = []

    def step(self, value):
        if value is not None:
            self.values.append(value)

    def finalize(self):
        return statistics.median(self.values) if self.values else None


def add_sqlite_median(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("hearth_median", 1, _SQLiteMedian)
