"""Text meets WCAG AA contrast (4.5:1; 3:1 for large text) in a light and a dark palette.

The palettes' own text/background pairs are computed, then the main window is opened
on the sample incidents in each palette, its Review tab and walk mode shown, and every
visible label and every coloured table cell is measured against what it is drawn on.
"""

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot
from review_driver import open_review, wait_settled

from irdesk.gui.common.colours import (
    AA_LARGE,
    AA_TEXT,
    TEXT_PAIRS,
    contrast_ratio,
    dark_palette,
    readable,
    readable_palette,
)
from irdesk.gui.main_window import MainWindow

SCHEMES = ("light", "dark")


@pytest.fixture(params=SCHEMES)
def scheme(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    before = qapp.palette()
    light = QApplication.style().standardPalette()
    qapp.setPalette(readable_palette(light if request.param == "light" else dark_palette()))
    yield request.param
    qapp.setPalette(before)


def large(font: QFont) -> bool:
    points = font.pointSizeF()
    return points >= 18 or (points >= 14 and font.bold())


def test_the_palettes_text_pairs_meet_aa(scheme: str, qapp: QApplication) -> None:
    palette = qapp.palette()
    low = [
        (
            text.name,
            background.name,
            round(contrast_ratio(palette.color(text), palette.color(background)), 2),
        )
        for text, background in TEXT_PAIRS
        if contrast_ratio(palette.color(text), palette.color(background)) < AA_TEXT
    ]
    assert low == []
    dark = palette.color(QPalette.ColorRole.Window).lightness() < 128
    assert dark == (scheme == "dark")


@pytest.mark.parametrize(
    "colour", ["#c62828", "#2e7d32", "#8d6e00", "#1565c0", "#ffd600", "#111111"]
)
def test_readable_keeps_a_colour_that_passes_and_mends_one_that_does_not(colour: str) -> None:
    for background in (QColor("#ffffff"), QColor("#efefef"), QColor("#2b2b2b"), QColor("#000000")):
        shown = readable(colour, background)
        assert contrast_ratio(shown, background) >= AA_TEXT
        if contrast_ratio(QColor(colour), background) >= AA_TEXT:
            assert shown == QColor(colour)


def low_contrast_labels(root: QWidget) -> list[str]:
    found = []
    for label in root.findChildren(QLabel):
        if not label.isVisible() or not label.text().strip():
            continue
        palette = label.palette()
        text = palette.color(label.foregroundRole())
        background = palette.color(label.backgroundRole())
        ratio = contrast_ratio(text, background)
        if ratio < (AA_LARGE if large(label.font()) else AA_TEXT):
            found.append(
                f"{label.text()[:40]!r}: {text.name()} on {background.name()} = {ratio:.2f}"
            )
    return found


def low_contrast_cells(view: QAbstractItemView) -> list[str]:
    model = view.model()
    palette = view.palette()
    found = []
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            index = model.index(row, column, QModelIndex())
            foreground = index.data(Qt.ItemDataRole.ForegroundRole)
            if foreground is None:
                continue
            text = foreground.color() if hasattr(foreground, "color") else QColor(foreground)
            background = index.data(Qt.ItemDataRole.BackgroundRole)
            drawn_on = (
                background.color()
                if hasattr(background, "color")
                else QColor(background)
                if background is not None
                else palette.color(QPalette.ColorRole.Base)
            )
            ratio = contrast_ratio(text, drawn_on)
            if ratio < AA_TEXT:
                found.append(f"{index.data()!r}: {text.name()} on {drawn_on.name()} = {ratio:.2f}")
    return found


def test_every_label_and_coloured_cell_meets_aa(
    scheme: str, qtbot: QtBot, opened: MainWindow
) -> None:
    problems = low_contrast_labels(opened)
    tab = open_review(qtbot, opened, "INC-101")
    qtbot.mouseClick(tab.findings.add_button, Qt.MouseButton.LeftButton)
    wait_settled(qtbot, opened)
    qtbot.keyClicks(tab.findings.editor, "Ada Lovelace should have rolled back sooner")
    wait_settled(qtbot, opened)
    problems += low_contrast_labels(opened)
    for view in opened.findChildren(QAbstractItemView):
        if view.isVisible() and view.model() is not None:
            problems += low_contrast_cells(view)
    # Walk mode: the event, its phase and the key hints under it.
    bar = opened.incident_tabs.tabBar()
    timeline = bar.tabRect(opened.incident_tabs.indexOf(opened.timeline.tab)).center()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=timeline)
    wait_settled(qtbot, opened)
    qtbot.keyClick(opened.timeline.tab.table, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: opened.timeline.tab.walking, timeout=5000)
    problems += low_contrast_labels(opened)
    for view in opened.findChildren(QAbstractItemView):
        if view.isVisible() and view.model() is not None:
            problems += low_contrast_cells(view)
    assert sorted(set(problems)) == [], scheme
