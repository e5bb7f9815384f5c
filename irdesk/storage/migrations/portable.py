"""What the migrations write differently on SQLite (a user's file) and PostgreSQL (a
team's server). Each script stays one script for both; only these details differ.
"""

from typing import Any

import sqlalchemy as sa
from alembic import op


def on_sqlite() -> bool:
    return bool(op.get_bind().dialect.name == "sqlite")


def partial(where: str) -> dict[str, Any]:
    """The keyword arguments of an index over only the rows `where` holds, on both.

    Without the PostgreSQL spelling the server would build a full index, and a unique
    one would then refuse rows the partial index allows.
    """
    return {"sqlite_where": sa.text(where), "postgresql_where": sa.text(where)}


def false_default() -> Any:
    """A boolean column's default of false: SQLite files have always said '0'."""
    return "0" if on_sqlite() else sa.false()


def check_name(kind: str, column: str) -> str:
    """The name of a closed value set's CHECK constraint on `column`.

    SQLite files name it after the set alone, even where two columns of one table use
    the same set; PostgreSQL wants each constraint's name unique in its table.
    """
    return kind if on_sqlite() else f"{column}_{kind}"


def create_nocase_collation() -> None:
    """SQLite's built-in NOCASE, made on PostgreSQL: names that differ only in case are
    one name (a directory key "Payments" and "payments"). An ICU collation at strength
    2 compares without case and, being nondeterministic, also makes unique indexes
    case-blind, as NOCASE does.
    """
    if not on_sqlite():
        op.execute(
            'CREATE COLLATION IF NOT EXISTS "NOCASE" '
            "(provider = icu, locale = 'und-u-ks-level2', deterministic = false)"
        )
