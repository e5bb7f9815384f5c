"""Presenter mode on the projectors a review room really has: nothing is ever cut off.

The longest event texts and titles of the demo and of the real exports in
../shared/data (every sample file, imported together) are put on three offscreen
screens of 1024×768, 1280×800 and 1920×1080 in a fresh process (the offscreen
platform's `configfile` option). Every line of the presenter window must lie inside
its screen and show whole: wrapped text as tall as it needs, the title elided on one
line, the time ruler, the phase and the clock always there.
"""

import json
import os
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from testdata import SAMPLE_FILES, CopyDemo

from irdesk.importers.formats.base import ImportOptions
from irdesk.importers.pipeline import run_import
from irdesk.storage.database import open_database

SIZES = [(1024, 768), (1280, 800), (1920, 1080)]

DRIVER = r"""
import json, sys
from types import SimpleNamespace
from PySide6.QtCore import QEventLoop, QPoint, QRect, QTimer
from PySide6.QtGui import QFontMetrics, QGuiApplication
from PySide6.QtWidgets import QApplication
from irdesk.gui.timeline.presenter_window import PresenterWindow
from irdesk.gui.timeline.walk_card import WalkText

app = QApplication(sys.argv[:1])

def settle(ms=30):
    loop = QEventLoop(); QTimer.singleShot(ms, loop.quit); loop.exec()

cases = json.loads(sys.argv[1])
presenter = PresenterWindow()
results = []
for screen in QGuiApplication.screens():
    presenter.present_on(screen)
    for _ in range(100):
        if presenter.isFullScreen() and presenter.geometry() == screen.geometry():
            break
        settle(10)
    for title, text in cases:
        incident = SimpleNamespace(title=title)
        record = SimpleNamespace(detail=SimpleNamespace(incident=incident), lifecycle={})
        presenter.show_record(record, [])
        presenter.show_current(0, WalkText(
            position="1,234 of 5,678", phase="Mitigation", clock="Wed 30 Sep  23:59:59",
            heading="★ ✎ status update · statuspage · Ada Lovelace-Byron",
            text=text,
            elapsed="T+12h 34m since impact started  ·  +1h 02m after the previous event",
            note="✎ Corrected by the facilitator: was 23:58:01",
        ))
        settle()
        area = screen.geometry()
        problems = []
        card = presenter.card
        lines = [
            ("title", presenter.title_label), ("ruler", presenter.ruler),
            *((name, getattr(card, name)) for name in (
                "position_label", "phase_label", "clock_label", "heading_label",
                "text_label", "elapsed_label", "note_label")),
        ]
        for name, widget in lines:
            box = QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size())
            if not widget.isVisible() or not area.contains(box):
                problems.append(f"{name} at {box.getRect()} is not inside {area.getRect()}")
            if name == "title":
                drawn = QFontMetrics(widget.font()).horizontalAdvance(widget.text())
                if drawn > widget.width():
                    problems.append(f"title is {drawn} px wide in {widget.width()} px")
            elif name != "ruler" and widget.heightForWidth(widget.width()) > widget.height():
                problems.append(
                    f"{name} needs {widget.heightForWidth(widget.width())} px, has {widget.height()}")
        shown = card.text_label.text().replace("\u200b", "")
        if shown != text:
            problems.append("the event text shown is not the text")
        results.append({
            "screen": [area.width(), area.height()], "length": len(text), "problems": problems,
            "text_points": card.text_label.font().pointSizeF(),
        })
presenter.close()
print(json.dumps(results))
"""


def longest_texts(db_path: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(db_path)
    try:
        texts = [
            r[0]
            for r in conn.execute(
                "SELECT text FROM timeline_event ORDER BY length(text) DESC LIMIT 3"
            )
        ]
        titles = [
            r[0]
            for r in conn.execute("SELECT title FROM incident ORDER BY length(title) DESC LIMIT 3")
        ]
    finally:
        conn.close()
    return list(zip(titles, texts, strict=True))


@pytest.mark.slow
def test_presenter_mode_shows_every_line_whole_on_every_projector(
    tmp_path: Path, copy_demo: CopyDemo
) -> None:
    demo = tmp_path / "demo.db"
    copy_demo(demo, anchor=date(2026, 12, 1))
    real = tmp_path / "real.db"
    database = open_database(real, create=True)
    try:
        samples = [
            p
            for p in SAMPLE_FILES
            # The Opsgenie alert log needs its alert's id in its name (test_opsgenie.py).
            if p.suffix in {".json", ".jsonl", ".csv"} and p.name != "opsgenie_alert_logs.json"
        ]
        run_import(database, samples, options=ImportOptions(zone=ZoneInfo("Europe/Madrid")))
    finally:
        database.close()
    cases = longest_texts(demo) + longest_texts(real)
    assert max(len(text) for _title, text in cases) > 500  # the real exports' long messages

    config = tmp_path / "screens.json"
    x = 0
    screens = []
    for index, (width, height) in enumerate(SIZES):
        screens.append({"name": f"s{index}", "x": x, "y": 0, "width": width, "height": height})
        x += width
    config.write_text(json.dumps({"screens": screens}))
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}"}
    done = subprocess.run(
        [sys.executable, "-c", DRIVER, json.dumps(cases)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout.strip().splitlines()[-1])

    assert sorted({tuple(r["screen"]) for r in results}) == SIZES
    assert [r for r in results if r["problems"]] == []
    # Short texts keep the large type the room reads from the back; long ones shrink.
    biggest = {
        tuple(r["screen"]): max(x["text_points"] for x in results if x["screen"] == r["screen"])
        for r in results
    }
    assert biggest[(1920, 1080)] >= biggest[(1024, 768)]
