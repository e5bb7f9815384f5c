"""What the metric reads say differently to SQLite and to PostgreSQL: one small interface.

The metric reads (`metric_data`, `metric_server`) are plain SQL written once; the few
expressions the two engines spell differently come from a `MetricDialect`:

- a stored time as epoch seconds: SQLite keeps times as UTC text and has julianday();
  PostgreSQL keeps a `timestamp` (naive UTC, as irdesk writes it) and has extract(epoch).
  Both are rounded to the millisecond, which julianday is exact to at today's dates, so
  the two give the same number for the same stored time;
- a parameter's placeholder: `?` for sqlite3, `%s` for psycopg.

The import side has its own dialect helpers; these are the metrics' only.
"""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class MetricDialect:
    name: str
    epoch_sql: str  # format string: {0} is the column
    placeholder: str

    def epoch(self, column: str) -> str:
        """SQL for `column` (a stored time) as epoch seconds, to the millisecond; NULL stays."""
        return self.epoch_sql.format(column)

    def params(self, sql: str) -> str:
        """`sql` written with `?` placeholders, in this dialect's."""
        return sql if self.placeholder == "?" else sql.replace("?", self.placeholder)


SQLITE = MetricDialect(
    "sqlite", "round((julianday({0}) - 2440587.5) * 86400.0, 3)", placeholder="?"
)
# numeric before rounding: round(double precision, int) does not exist in PostgreSQL.
POSTGRESQL = MetricDialect(
    "postgresql", "round(extract(epoch FROM {0})::numeric, 3)::float8", placeholder="%s"
)


def dialect_of(engine: Any) -> MetricDialect:
    """The dialect of a SQLAlchemy engine (or connection)."""
    return POSTGRESQL if engine.dialect.name == "postgresql" else SQLITE
