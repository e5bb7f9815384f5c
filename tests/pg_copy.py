"""Every row of an irdesk file copied into a PostgreSQL database at the head revision,
through SQLAlchemy's tables (each column's type converts it), for tests and benchmarks
that compare the two backends on the same data.

Large tables go by COPY (psycopg's `write_row`), the rest by executemany.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlmodel import SQLModel

from irdesk.domain import models  # noqa: F401  (the tables, registered in the metadata)
from irdesk.storage import server
from irdesk.storage.database import Database

COPY_FROM = 5_000  # rows: a table this long goes by COPY


def server_database(url: str) -> Database:
    """An irdesk Database on the server at `url`, upgraded to the head revision."""
    address = server.ServerAddress.parse(url)
    server.upgrade(address)
    return Database(path=Path(address.shown), engine=address.engine())


def copy_file_to_server(source: Database, target: Database) -> None:
    """Every row of `source`'s tables into `target`'s (empty) tables of the same names."""
    with source.engine.connect() as read, target.engine.begin() as write:
        for table in SQLModel.metadata.sorted_tables:
            rows = [tuple(r) for r in read.execute(select(table))]
            if not rows:
                continue
            names = [c.name for c in table.columns]
            if len(rows) < COPY_FROM:
                write.execute(table.insert(), [dict(zip(names, r, strict=True)) for r in rows])
                continue
            # Bound as the column types bind (enums as their values, times as naive UTC).
            binders = [c.type.bind_processor(write.dialect) for c in table.columns]
            cur = write.connection.cursor()
            quoted = ", ".join(f'"{n}"' for n in names)
            with cur.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
                for r in rows:
                    copy.write_row(
                        [v if b is None else b(v) for b, v in zip(binders, r, strict=True)]
                    )
