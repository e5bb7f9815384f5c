"""The incident list on a large file, measured against a bare lazy table of the same rows.

`measure_list(db_path)` opens the window on the irdesk file `db_path` offscreen and
times, in seconds:

  open         from File › Open on the shown window to the first rows painted
  scroll_p95   one page of scrolling (the scroll bar's page step), painted, the next
               rows read when the view reaches those read (95th percentile)
  filter_p95   one key typed into the filter box (words typed a letter at a time, and
               cleared), the list filtered in SQL and painted (95th percentile)
  select_p95   from choosing a row to the Overview and Timeline of its incident shown
               (read on the worker, painted) (95th percentile)

each beside the CPU time the process spent over it (`open_cpu`, `scroll_p95_cpu`, …:
every thread's, the list's counting thread and the selection's worker included; on
a loaded machine the wall time waits its turn for a core, the CPU time does not),
and the same on the floor, measured in the same call: a bare QTableView over a
minimal lazy model (canFetchMore/fetchMore, five columns, the same order) reading the
same file with sqlite3, filtered through the same search index, and a selection that
reads the incident's row and its timeline into a second bare table. The floor keys
end in `_floor`. tests/benchmarks/bench_incident_list.py prints them side by side.
"""

import os
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractSlider, QApplication, QTableView

from irdesk.gui.common.incident_table_model import COL_TITLE
from irdesk.gui.main_window import MainWindow

WORDS = ("latency", "canary", "disk", "inc-00042", "sev1")
SCROLL_STEPS = 300
SELECTIONS = 25
PAGE = 200
WINDOW_SIZE = (1400, 850)


def percentile(values: list[float], share: float = 0.95) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class _Steps:
    """Each step's wall time, and the CPU time of the whole process over it."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def start(self) -> None:
        self._wall, self._cpu = time.perf_counter(), time.process_time()

    def stop(self) -> None:
        self.wall.append(time.perf_counter() - self._wall)
        self.cpu.append(time.process_time() - self._cpu)

    def figures(self, name: str, suffix: str = "") -> dict[str, float]:
        """`name` and `name_cpu` (95th percentiles, or the one step), ending in `suffix`."""
        return {
            f"{name}{suffix}": percentile(self.wall),
            f"{name}_cpu{suffix}": percentile(self.cpu),
        }


def _settle(app: QApplication, until: Callable[[], bool], timeout_s: float = 60.0) -> None:
    deadline = time.perf_counter() + timeout_s
    while not until():
        if time.perf_counter() > deadline:
            raise TimeoutError("the window did not get there in time")
        app.processEvents()
        time.sleep(0.0005)


def _keystrokes() -> list[str]:
    """Each word typed a letter at a time, then cleared: the texts the box holds."""
    texts = []
    for word in WORDS:
        texts += [word[: n + 1] for n in range(len(word))]
        texts.append("")
    return texts


# ----------------------------------------------------------------- the floor


class _BareModel(QAbstractTableModel):
    """Five columns of the incidents, newest first, read a page at a time."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        super().__init__()
        self.conn = conn
        self.rows: list[tuple[Any, ...]] = []
        self.more = True
        self.where, self.params = "", ()

    def set_text(self, text: str) -> None:
        self.beginResetModel()
        if not text:
            self.where, self.params = "", ()
        elif len(text) >= 3:
            self.where = (
                "WHERE +id IN (SELECT rowid FROM incident_search WHERE incident_search MATCH ?)"
            )
            self.params = ('"' + text + '"',)
        else:
            self.where, self.params = "WHERE title LIKE ?", (f"%{text}%",)
        self.rows, self.more = [], True
        self._read()
        self.endResetModel()

    def _read(self) -> list[tuple[Any, ...]]:
        page = self.conn.execute(
            "SELECT id, external_id, title, status, started_at FROM incident "
            f"{self.where} ORDER BY started_at DESC, id DESC LIMIT ? OFFSET ?",
            (*self.params, PAGE, len(self.rows)),
        ).fetchall()
        self.more = len(page) == PAGE
        if not self.rows:
            self.rows = page
        return page

    def canFetchMore(self, parent: Any = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self.more

    def fetchMore(self, parent: Any = QModelIndex()) -> None:  # noqa: B008
        first = len(self.rows)
        page = self._read() if self.rows else []
        if page:
            self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
            self.rows.extend(page)
            self.endInsertRows()

    def rowCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 5

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return str(self.rows[index.row()][index.column()])
        return None


class _ListModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[Any, ...]] = []

    def set_rows(self, rows: list[tuple[Any, ...]]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
        return len(self.rows)

    def columnCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
        return 3

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return str(self.rows[index.row()][index.column()])
        return None


def _floor(app: QApplication, db_path: Path) -> dict[str, float]:
    opened = _Steps()
    opened.start()
    conn = sqlite3.connect(f"{db_path.as_uri()}?mode=ro", uri=True)
    model = _BareModel(conn)
    model.set_text("")
    view = QTableView()
    view.resize(*WINDOW_SIZE)
    view.setModel(model)
    view.show()
    app.processEvents()
    view.viewport().repaint()
    opened.stop()

    scrolls = _scroll(app, view)
    filters = _Steps()
    for text in _keystrokes():
        filters.start()
        model.set_text(text)
        app.processEvents()
        view.viewport().repaint()
        filters.stop()

    events = _ListModel()
    timeline = QTableView()
    timeline.setModel(events)
    timeline.show()
    selects = _Steps()
    for row in range(SELECTIONS):
        selects.start()
        incident_id = model.rows[row * 3][0]
        conn.execute("SELECT * FROM incident WHERE id = ?", (incident_id,)).fetchone()
        events.set_rows(
            conn.execute(
                "SELECT occurred_at, kind, text FROM timeline_event WHERE incident_id = ?"
                " ORDER BY occurred_at, id",
                (incident_id,),
            ).fetchall()
        )
        view.selectRow(row * 3)
        app.processEvents()
        timeline.viewport().repaint()
        selects.stop()
    view.close()
    timeline.close()
    conn.close()
    return {
        **opened.figures("open", "_floor"),
        **scrolls.figures("scroll_p95", "_floor"),
        **filters.figures("filter_p95", "_floor"),
        **selects.figures("select_p95", "_floor"),
    }


def _scroll(app: QApplication, view: QTableView) -> _Steps:
    steps = _Steps()
    bar = view.verticalScrollBar()
    for _ in range(SCROLL_STEPS):
        steps.start()
        bar.triggerAction(QAbstractSlider.SliderAction.SliderPageStepAdd)
        app.processEvents()
        view.viewport().repaint()
        steps.stop()
    return steps


# -------------------------------------------------------------------- irdesk


def _irdesk(app: QApplication, db_path: Path, scratch: Path) -> dict[str, float]:
    window = MainWindow(QSettings(str(scratch / "irdesk.ini"), QSettings.Format.IniFormat))
    window.resize(*WINDOW_SIZE)
    window.show()
    app.processEvents()
    window.repaint()
    model, table = window.incident_model, window.table

    opened = _Steps()
    opened.start()
    window.open_database(db_path)
    _settle(app, lambda: model.rowCount() > 0)
    window.repaint()
    opened.stop()
    _settle(app, lambda: window.database.current() is not None and not window.tasks.busy)

    scrolls = _scroll(app, table)
    filters = _Steps()
    for text in _keystrokes():
        filters.start()
        if text:
            QTest.keyClick(window.filter_edit, text[-1])
        else:
            window.filter_edit.clear()
        app.processEvents()
        table.viewport().repaint()
        filters.stop()
    assert model.total_count() > 0

    selects = _Steps()
    for row in range(SELECTIONS):
        selects.start()
        table.setCurrentIndex(model.index(row * 3, COL_TITLE))
        _settle(app, lambda: not window.tasks.busy)
        window.repaint()
        selects.stop()
    window.close()
    return {
        **opened.figures("open"),
        **scrolls.figures("scroll_p95"),
        **filters.figures("filter_p95"),
        **selects.figures("select_p95"),
    }


def measure_list(db_path: Path) -> dict[str, float]:
    """Seconds the incident list takes on `db_path`, with its floor from the same call."""
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    db_path = Path(db_path).resolve()
    with tempfile.TemporaryDirectory(prefix="irdesk-list-probe-") as scratch:
        figures = _floor(app, db_path)
        figures.update(_irdesk(app, db_path, Path(scratch)))
    return figures


# Issue 19's targets, in seconds.
TARGETS = {"open": 1.0, "scroll_p95": 0.05, "filter_p95": 0.05, "select_p95": 0.3}


def report(figures: dict[str, float]) -> str:
    """The figures as a table: each beside its floor, wall time and CPU time, and the
    target; with the load average, which stretches the wall times and not the CPU."""
    lines = [
        f"incident list; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs",
        f"{'':12} {'irdesk':>10} {'floor':>10} {'ratio':>7}   "
        f"{'cpu':>8} {'floor cpu':>10} {'ratio':>7} {'target':>8}",
    ]
    for key, target in TARGETS.items():
        ours, floor = figures[key] * 1000, figures[f"{key}_floor"] * 1000
        cpu, cpu_floor = figures[f"{key}_cpu"] * 1000, figures[f"{key}_cpu_floor"] * 1000
        verdict = "OK" if figures[key] <= target else "MISSED"
        lines.append(
            f"{key:12} {ours:8.1f}ms {floor:8.1f}ms {ours / floor:6.1f}x   "
            f"{cpu:6.1f}ms {cpu_floor:8.1f}ms {cpu / max(cpu_floor, 1e-4):6.1f}x "
            f"{target * 1000:6.0f}ms {verdict}"
        )
    return "\n".join(lines)


def median_of(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}
