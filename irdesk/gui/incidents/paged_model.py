"""The incident list's model: the rows of an indexed query, fetched as the view scrolls.

It holds only the rows fetched so far. Qt asks `canFetchMore`/`fetchMore` when the
view scrolls near the last of them, and the next page is read then; sorting by a
column and the filter box become a new query (storage/bulk/incident_pages), read from
its first page. What the list costs thus grows with what is shown, not with the file.

A filter's matches are counted on a thread of their own (`shown_counted` when done):
a common word in a large file takes longer to count than to list, and the list is
what the user waits for. Meanwhile `shown_count` is the rows read, `counting` true.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, QThreadPool, Signal
from PySide6.QtGui import QFont

from irdesk.gui.common.incident_table_model import (
    COL_DURATION,
    COL_ID,
    COL_REVIEW,
    COL_SERVICE,
    COL_SEVERITY,
    COL_STARTED,
    COL_STATUS,
    COL_TITLE,
    HEADERS,
    INCIDENT_ID_ROLE,
    INITIAL_ORDER,
    incident_data,
)
from irdesk.gui.common.row_table_model import SORT_ROLE, AnyIndex

if TYPE_CHECKING:
    from irdesk.storage.bulk.incident_pages import IncidentPages, ListQuery
    from irdesk.storage.reads.incident_row import IncidentRow

# Rows read at a time: a few screens' worth, so a page of scrolling reads at most one.
PAGE_ROWS = 100
# A filter's matches are counted no further: "1000+ shown" says enough, and counting
# every match of a common word in a large file would cost what the page saved.
COUNT_LIMIT = 1_000

DISPLAY = Qt.ItemDataRole.DisplayRole
# The roles incident_data answers. Painting a cell asks for a dozen; a screen of the
# list is a few hundred cells, repainted on every scroll step: the rest are answered
# before anything else is looked at.
ANSWERED = frozenset(
    {
        DISPLAY,
        SORT_ROLE,
        INCIDENT_ID_ROLE,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.DecorationRole,
        Qt.ItemDataRole.FontRole,
        Qt.ItemDataRole.TextAlignmentRole,
    }
)

SORT_NAMES = {
    COL_ID: "external_id",
    COL_SEVERITY: "severity",
    COL_TITLE: "title",
    COL_SERVICE: "service",
    COL_STATUS: "status",
    COL_STARTED: "started",
    COL_DURATION: "duration",
    COL_REVIEW: "review",
}


class PagedIncidentModel(QAbstractTableModel):
    """The incident list of one file (`set_pages`), in the order and filter last asked."""

    # A filter's matches are counted (shown_count); emitted on the GUI thread.
    shown_counted = Signal()
    # (generation, count) from the counting thread, delivered queued to `_counted`.
    _count_done = Signal(int, int)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._pages: IncidentPages | None = None
        self._query: ListQuery | None = None
        self._rows: list[IncidentRow] = []
        # Each row's shown texts, made when first painted: a repaint of a scrolled
        # screen asks for every cell again, and formatting a time costs more than
        # the rest of a cell's paint.
        self._texts: dict[int, tuple[str, ...]] = {}
        self._more = False
        self._total = 0
        self._shown = 0
        self._counting = False
        # One count at a time on its own connection; a newer filter makes it stale.
        self._count_pool = QThreadPool(self)
        self._count_pool.setMaxThreadCount(1)
        self._count_generation = 0
        self._counter: IncidentPages | None = None
        self._counter_of: IncidentPages | None = None
        self._count_done.connect(self._counted)
        self._bold = QFont()
        self._bold.setBold(True)

    # ------------------------------------------------------------- the query

    def set_pages(self, pages: IncidentPages | None) -> None:
        """List the file `pages` reads (None: no file), closing the one listed before."""
        if self._pages is not None and self._pages is not pages:
            self.close_counter()  # its connection is to the file listed before
            self._pages.close()
        self._pages = pages
        self.refresh()

    def close_counter(self) -> None:
        """Stop counting and let the counting connection go (the file is being closed)."""
        self._count_generation += 1
        self._counting = False
        counter, of = self._counter, self._counter_of
        self._counter, self._counter_of = None, None
        if counter is not None and counter is not of:  # not the pages themselves
            counter.interrupt()
            # Closed on the counting thread, after the count it may still be running.
            self._count_pool.start(counter.close)

    def follow(self, pages: IncidentPages) -> bool:
        """Read on through `pages`, the file whose first look is listed now opened, keeping
        the rows read (True) if it lists the same ones; else list it afresh (False)."""
        query = self._current_query()
        if pages.page(query, 0, len(self._rows)) != self._rows or pages.count() != self._total:
            return False
        if self._pages is not None:
            self._pages.close()
        self._pages = pages
        counting = self._counting
        self.close_counter()  # its connection is to the first look
        if counting:
            self._count_in_background(pages, query)
        return True

    def refresh(self, *, keep: int = 0) -> None:
        """Read the file's list again, at least `keep` rows of it (the ones scrolled
        through, so the view keeps its place)."""
        self._reset(max(keep, PAGE_ROWS), recount=True)

    def _reset(self, wanted: int, *, recount: bool) -> None:
        self.beginResetModel()
        self._read(wanted, recount=recount)
        self.endResetModel()

    def _read(self, wanted: int, *, recount: bool) -> None:
        pages, query = self._pages, self._current_query()
        self._texts = {}
        self._count_generation += 1
        self._counting = False
        if pages is None:
            self._rows, self._more, self._total, self._shown = [], False, 0, 0
            self.close_counter()
            return
        self._rows = pages.page(query, 0, wanted)
        self._more = len(self._rows) == wanted
        if recount:
            self._total = pages.count()
        if not query.words:
            self._shown = self._total
        elif not self._more:
            self._shown = len(self._rows)  # every match is read: no need to count
        else:
            self._count_in_background(pages, query)

    def _count_in_background(self, pages: IncidentPages, query: ListQuery) -> None:
        if self._counter_of is not pages:
            self.close_counter()
            self._counter, self._counter_of = pages.counter(), pages
        counter = self._counter
        if counter is None:  # no second connection: count here
            self._shown = pages.count(query, limit=COUNT_LIMIT + 1)
            return
        counter.interrupt()  # the count under way is for an older filter
        self._shown, self._counting = len(self._rows), True
        generation = self._count_generation

        def count() -> None:
            if generation != self._count_generation:
                return  # a newer filter was typed before this count began
            found = counter.count_unless_stopped(query, COUNT_LIMIT + 1)
            if found is not None:  # else stopped for a newer filter, or the file closed
                self._count_done.emit(generation, found)

        self._count_pool.start(count)

    def _counted(self, generation: int, found: int) -> None:
        if generation == self._count_generation:
            self._shown, self._counting = found, False
            self.shown_counted.emit()

    def _current_query(self) -> ListQuery:
        if self._query is None:
            from irdesk.storage.bulk.incident_pages import ListQuery

            self._query = ListQuery()
        return self._query

    def set_filter_text(self, text: str) -> None:
        query = self._current_query()
        words = tuple(text.casefold().split())
        if words != query.words:
            self._query = replace(query, words=words)
            self._reset(PAGE_ROWS, recount=False)

    @property
    def is_filtering(self) -> bool:
        return bool(self._current_query().words)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        name = SORT_NAMES.get(column)
        if name is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        query = self._current_query()
        if (query.sort, query.descending) != (name, descending):
            self._query = replace(query, sort=name, descending=descending)
            self._reset(PAGE_ROWS, recount=False)

    # ---------------------------------------------------------------- counts

    def total_count(self) -> int:
        """Every listed incident, the filter's hidden ones included."""
        return self._total

    def shown_count(self) -> int:
        """The filter's matches, counted up to COUNT_LIMIT + 1; while `counting`, the
        matches read so far."""
        return self._shown

    @property
    def counting(self) -> bool:
        """Whether the filter's matches are still being counted."""
        return self._counting

    # ------------------------------------------------------------------ rows

    def row_at(self, row: int) -> IncidentRow:
        return self._rows[row]

    def fetched_rows(self) -> list[IncidentRow]:
        return list(self._rows)

    def row_of(self, incident_id: int, *, read_on: bool = True) -> int | None:
        """The row showing `incident_id`, reading further pages until it is found unless
        not `read_on` (then only the rows already read are looked through)."""
        start = 0
        while True:
            for number in range(start, len(self._rows)):
                if self._rows[number].id == incident_id:
                    return number
            if not (read_on and self._more):
                return None
            start = len(self._rows)
            self.fetchMore(QModelIndex())

    def every_listed_row(self) -> list[IncidentRow]:
        """Every incident of the file as listed, the filter's hidden ones included (for
        pickers that offer the whole list); one read to the end."""
        if self._pages is None:
            return []
        query = replace(self._current_query(), words=())
        return self._pages.page(query, 0, max(self._total, 1))

    # ------------------------------------------------------------ Qt's model

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or not self._more or self._pages is None:
            return
        query, first = self._current_query(), len(self._rows)
        if self._rows:
            page = self._pages.page_after(query, self._rows[-1].id, first, PAGE_ROWS)
        else:
            page = self._pages.page(query, 0, PAGE_ROWS)
        self._more = len(page) == PAGE_ROWS
        if page:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
            self._rows.extend(page)
            self.endInsertRows()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if role == Qt.ItemDataRole.InitialSortOrderRole:
            return INITIAL_ORDER.get(section, Qt.SortOrder.AscendingOrder).value
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in ANSWERED:
            return None
        number = index.row()  # -1 for an invalid index
        if not 0 <= number < len(self._rows):
            return None
        if role == DISPLAY:
            texts = self._texts.get(number)
            if texts is None:
                row = self._rows[number]
                texts = tuple(incident_data(row, c, role, self._bold) for c in range(len(HEADERS)))
                self._texts[number] = texts
            return texts[index.column()]
        return incident_data(self._rows[number], index.column(), role, self._bold)
