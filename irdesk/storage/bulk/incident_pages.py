"""The incident list as pages of an indexed query: what it costs grows with what is shown.

The window lists a database's incidents a page at a time (`IncidentPages.page`), sorted
and filtered by the database (a file's SQLite, or a team's PostgreSQL server in the
spelling storage/bulk/dialect gives) rather than in Python, so a file of a million
incidents opens, scrolls and filters as quickly as one of a hundred. The order and the filter are the ones the
list has always had:

- each column sorts on its raw value, the missing ones last both ways, ties in the
  list's own order (newest first); text columns compare ignoring ASCII case;
- the filter keeps the incidents matching every word typed, in any order and any case:
  a word matches when it is part of the title, the external id, the source, the service
  name (the `incident_search` index, see migration 0017), the effective severity or
  the status.

tests/unit/test_incident_pages.py holds the pages equal to the plain list filtered and
sorted in Python, on the real sample exports.
"""

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from irdesk.domain.enums import MERGE_UNLINKED, IncidentStatus, ReviewStatus, Severity
from irdesk.storage.bulk.dialect import POSTGRESQL_LIST, SQLITE_LIST, ListSpelling
from irdesk.storage.bulk.incident_list import ROW_COLUMNS, incident_row
from irdesk.storage.errors import CorruptDatabase
from irdesk.storage.inspection import current_file_connection
from irdesk.storage.reads.incident_row import IncidentRow

if TYPE_CHECKING:
    from sqlalchemy import Engine

# Trigrams need three characters; a shorter word is looked for in each row's words.
SHORTEST_INDEXED = 3


def _position(column: str, enum: type[StrEnum]) -> str:
    """`column`'s place in `enum`'s order, NULL where it is missing."""
    cases = " ".join(f"WHEN '{member.value}' THEN {n}" for n, member in enumerate(enum))
    return f"CASE {column} {cases} END"


EFFECTIVE_SEVERITY = "COALESCE(c.severity, i.severity)"


def sort_keys(spelling: ListSpelling) -> dict[str, str]:
    """The sort keys by name, in `spelling`'s SQL; SEV1..SEV5 sort as their ranks do."""
    return {
        "external_id": f"i.external_id {spelling.nocase}",
        "severity": EFFECTIVE_SEVERITY,
        "title": f"i.title {spelling.nocase}",
        "service": f"s.name {spelling.nocase}",
        "status": _position("i.status", IncidentStatus),
        "started": "i.started_at",
        "duration": spelling.duration("i.started_at", "i.resolved_at"),
        "review": _position("r.status", ReviewStatus),
    }


SORT_KEYS = sort_keys(SQLITE_LIST)
# The list's own order: newest first (see the spellings in storage/bulk/dialect).
LIST_ORDER = SQLITE_LIST.newest_first

UNFILTERED_COUNT = """
SELECT (SELECT COUNT(*) FROM incident)
     - (SELECT COUNT(DISTINCT incident_id) FROM incident_merge WHERE how <> ?)
"""
# A word matching this many incidents is common (see IncidentPages._common): a page of
# its matches is then found by reading the list in order and looking in each row's
# words, at most PAGE / (COMMON / incidents) rows for a page. Higher costs the probe
# more (it reads up to COMMON matches from the index on every keystroke), lower costs
# the rows read for a page of a word just above it: 20,000 of a million is 2%, about
# 5,000 rows read for a page of 100, as long as the probe's read of 20,000 matches.
COMMON = 20_000
PROBES_KEPT = 1_000
COMMON_PROBE = """
SELECT COUNT(*) FROM (SELECT 1 FROM incident_search WHERE incident_search MATCH ? LIMIT ?)
"""
# ROW_COLUMNS' joins, for the sort keys and the filter; SQLite leaves out those unused.
JOINED = """incident i
LEFT JOIN service s ON s.id = i.service_id
LEFT JOIN review r ON r.incident_id = i.id
LEFT JOIN incident_classification c ON c.incident_id = i.id"""
NOT_MERGED = "i.id NOT IN (SELECT incident_id FROM incident_merge WHERE how <> ?)"


@dataclass(frozen=True)
class ListQuery:
    """Which incidents the list shows and in what order."""

    sort: str = "started"
    descending: bool = True
    words: tuple[str, ...] = ()

    @classmethod
    def filtered(cls, text: str, sort: str = "started", descending: bool = True) -> "ListQuery":
        return cls(sort=sort, descending=descending, words=tuple(text.casefold().split()))


def _order_by(query: ListQuery, spelling: ListSpelling = SQLITE_LIST) -> str:
    newest_first = spelling.newest_first
    if query.sort == "started" and query.descending:
        return newest_first
    key = sort_keys(spelling)[query.sort]
    direction = "DESC" if query.descending else "ASC"
    return f"({key}) IS NULL, {key} {direction}, {newest_first}"


def _word_condition(
    word: str, *, common: bool, spelling: ListSpelling = SQLITE_LIST
) -> tuple[str, list[object]]:
    """SQL keeping the incidents `word` (casefolded) is part of, and its parameters.

    A `common` word is looked for in each row's words as the list is read in its order:
    a page is found after a few pages' worth of rows, where reading every match from
    the index first would read them all (a tenth of a large file) for one page. A rarer
    word's matches are read from the index and then sorted (see `_common`).
    """
    if not spelling.indexed_words:
        words = spelling.contains
        params: list[object] = [word]
    elif len(word) >= SHORTEST_INDEXED and not common:
        phrase = '"' + word.replace('"', '""') + '"'
        words = "i.id IN (SELECT rowid FROM incident_search WHERE incident_search MATCH ?)"
        params = [phrase]
    else:
        # SQLite's lower() folds ASCII only: other words are folded in Python.
        contains = (
            "instr(lower(f.words), ?) > 0" if word.isascii() else "irdesk_contains(f.words, ?)"
        )
        words = f"EXISTS (SELECT 1 FROM incident_search f WHERE f.rowid = i.id AND {contains})"
        params = [word]
    alternatives = [words]
    severities = [s.value for s in Severity if word in s.value.casefold()]
    if severities:
        alternatives.append(f"{EFFECTIVE_SEVERITY} IN ({', '.join('?' * len(severities))})")
        params += severities
    statuses = [s.value for s in IncidentStatus if word in s.value.casefold()]
    if statuses:
        alternatives.append(f"i.status IN ({', '.join('?' * len(statuses))})")
        params += statuses
    return "(" + " OR ".join(alternatives) + ")", params


def _where(
    query: ListQuery, *, common: frozenset[str], spelling: ListSpelling = SQLITE_LIST
) -> tuple[str, list[object]]:
    conditions = [NOT_MERGED]
    params: list[object] = [MERGE_UNLINKED]
    for word in query.words:
        condition, word_params = _word_condition(word, common=word in common, spelling=spelling)
        conditions.append(condition)
        params += word_params
    return " AND ".join(conditions), params


def _contains(words: str | None, word: str) -> bool:
    return words is not None and word in words.casefold()


class _ServerStatements:
    """A team database's engine where the list takes a sqlite3 connection: each statement
    on a pooled connection of its own, its rows read before the connection goes back, so
    every page sees what the team committed until then and no transaction stays open."""

    def __init__(self, engine: "Engine") -> None:
        self._engine = engine

    def execute(self, sql: str, params: Sequence[object] = ()) -> "_Rows":
        # The engine rewrites the `?` placeholders for the server (dialect.install).
        with self._engine.connect() as conn:
            return _Rows(tuple(row) for row in conn.exec_driver_sql(sql, tuple(params)))

    def close(self) -> None:
        """The engine is the Database's, disposed when it closes."""


class _Rows(list[tuple[Any, ...]]):
    def fetchone(self) -> Any:  # as sqlite3's: the first row, or None
        return self[0] if self else None


class IncidentPages:
    """The incident list of one database, read a page at a time on a read-only connection.

    Each call is one short statement, so the file's writers are never kept waiting;
    the connection may be made on one thread and used on another, one call at a time.
    """

    def __init__(
        self,
        conn: "sqlite3.Connection | _ServerStatements",
        spelling: ListSpelling = SQLITE_LIST,
    ) -> None:
        self._conn = conn
        self._spelling = spelling
        # Whether each word probed was common: only the plan depends on it, never the
        # rows, so a word's answer is kept while the list reads on through its pages.
        self._probed: dict[str, bool] = {}
        if isinstance(conn, sqlite3.Connection):
            conn.create_function("irdesk_contains", 2, _contains, deterministic=True)

    @classmethod
    def of_server(cls, engine: "Engine") -> "IncidentPages":
        """The pages of a team database on a PostgreSQL server (storage/server), read
        through its engine; a fault reading them is the server's to name."""
        pages = cls(_ServerStatements(engine), POSTGRESQL_LIST)
        pages.page(ListQuery(), 0, 1)
        return pages

    @classmethod
    def first_look(cls, path: Path) -> "IncidentPages | None":
        """The pages of `path` before it is opened, if it is an irdesk file at the newest
        schema revision whose first page reads without a fault; they show the file as it
        is now. None is no verdict on the file: opening it says what is wrong."""
        conn = current_file_connection(Path(path).expanduser().resolve(), any_thread=True)
        if conn is None:
            return None
        pages = cls(conn)
        try:
            pages.page(ListQuery(), 0, 1)
        except (sqlite3.Error, ValueError):
            # Damage, or a value the schema's checks should have kept out.
            pages.close()
            return None
        return pages

    @classmethod
    def of_open_file(cls, path: Path) -> "IncidentPages":
        """The pages of the file `path` irdesk has open, following what its writers commit;
        raises CorruptDatabase if its first page cannot be read."""
        conn = sqlite3.connect(path, check_same_thread=False)
        conn.execute("PRAGMA query_only = ON")
        pages = cls(conn)
        try:
            pages.count()
            pages.page(ListQuery(), 0, 1)
        except sqlite3.DatabaseError as exc:
            pages.close()
            raise CorruptDatabase(
                path,
                f"is damaged: SQLite reports {str(exc)!r} reading its incidents.",
                "Open a backup copy instead; `irdesk db check` lists every problem.",
            ) from exc
        return pages

    def close(self) -> None:
        self._conn.close()

    def counter(self) -> "IncidentPages | None":
        """Pages of the same database on a connection of their own, for counting a filter's
        matches on another thread while the list reads on this one; None where there is
        no second connection to make (a database in memory): count here instead."""
        if not isinstance(self._conn, sqlite3.Connection):
            return self  # each server statement takes a pooled connection of its own
        (_seq, _name, file) = self._conn.execute("PRAGMA database_list").fetchone()
        if not file:
            return None
        conn = sqlite3.connect(f"{Path(file).as_uri()}?mode=ro", uri=True, check_same_thread=False)
        return IncidentPages(conn, self._spelling)

    def count_unless_stopped(self, query: ListQuery, limit: int) -> int | None:
        """`count`, or None if `interrupt` stopped it, the file was closed meanwhile, or
        the server failed to answer: a count is a hint, and the list says what it read."""
        try:
            return self.count(query, limit)
        except sqlite3.Error:
            return None
        except Exception as exc:
            if isinstance(self._conn, _ServerStatements):
                from sqlalchemy.exc import SQLAlchemyError

                if isinstance(exc, SQLAlchemyError):
                    return None
            raise

    def interrupt(self) -> None:
        """Stop the statement running on another thread (it raises sqlite3.OperationalError
        there): a count no longer wanted."""
        if isinstance(self._conn, sqlite3.Connection):
            self._conn.interrupt()

    def count(self, query: ListQuery = ListQuery(), limit: int | None = None) -> int:
        """How many incidents `query` lists, counting no further than `limit`."""
        if not query.words:
            # The table's own count, less the merged: no incident is read.
            (count,) = self._conn.execute(UNFILTERED_COUNT, (MERGE_UNLINKED,)).fetchone()
            return int(count) if limit is None else min(int(count), limit)
        where, params = _where(query, common=self._common(query), spelling=self._spelling)
        if limit is None:
            sql = f"SELECT COUNT(*) FROM {JOINED} WHERE {where}"
        else:
            sql = f"SELECT COUNT(*) FROM (SELECT 1 FROM {JOINED} WHERE {where} LIMIT ?) AS listed"
            params = [*params, limit]
        (count,) = self._conn.execute(sql, params).fetchone()
        return int(count)

    def page(self, query: ListQuery, offset: int, limit: int) -> list[IncidentRow]:
        """The rows `offset` to `offset + limit` of the list `query` describes."""
        return self._rows(query, "", [], limit, offset)

    def page_after(
        self, query: ListQuery, last_id: int, offset: int, limit: int
    ) -> list[IncidentRow]:
        """The `limit` rows after the incident `last_id`, listed `offset`-th (0 first).

        In the list's own order (newest first) the page starts where the last ended, in
        the index of the start times, so the thousandth page costs what the first did;
        skipping `offset` rows would step over each of them again. Other orders, and an
        incident `last_id` gone meanwhile, are read by their offset.
        """
        if (query.sort, query.descending) != ("started", True):
            return self.page(query, offset, limit)
        found = self._conn.execute(
            "SELECT started_at FROM incident WHERE id = ?", (last_id,)
        ).fetchone()
        if found is None:
            return self.page(query, offset, limit)
        (started,) = found
        if started is None:
            # The incidents without a start come last, newest id first.
            return self._rows(query, "i.started_at IS NULL AND i.id < ?", [last_id], limit)
        rows = self._rows(query, "(i.started_at, i.id) < (?, ?)", [started, last_id], limit)
        if len(rows) < limit:
            rows += self._rows(query, "i.started_at IS NULL", [], limit - len(rows))
        return rows

    def _rows(
        self,
        query: ListQuery,
        after: str,
        after_params: list[object],
        limit: int,
        offset: int = 0,
    ) -> list[IncidentRow]:
        where, params = _where(query, common=self._common(query), spelling=self._spelling)
        if after:
            where, params = f"{where} AND {after}", [*params, *after_params]
        order = _order_by(query, self._spelling)
        # The rows skipped are stepped over in the index alone; only the page's are read.
        sql = (
            f"{ROW_COLUMNS} WHERE i.id IN (SELECT i.id FROM {JOINED} WHERE {where}"
            f" ORDER BY {order} LIMIT ? OFFSET ?) ORDER BY {order}"
        )
        return [incident_row(r) for r in self._conn.execute(sql, [*params, limit, offset])]

    def _common(self, query: ListQuery) -> frozenset[str]:
        """The indexed words of `query` matching at least COMMON incidents.

        Those are looked for row by row as the list is read in its order, and a page is
        found after a few pages' worth of rows; a rarer word's matches are better read
        from the index and sorted. SQLite cannot tell the two apart on its own.
        """
        if not self._spelling.indexed_words:
            return frozenset()  # no index: every word is looked for row by row
        common = set()
        for word in query.words:
            if len(word) >= SHORTEST_INDEXED:
                if word not in self._probed:
                    if len(self._probed) > PROBES_KEPT:
                        self._probed.clear()
                    phrase = '"' + word.replace('"', '""') + '"'
                    (found,) = self._conn.execute(COMMON_PROBE, (phrase, COMMON)).fetchone()
                    self._probed[word] = found >= COMMON
                if self._probed[word]:
                    common.add(word)
        return frozenset(common)
