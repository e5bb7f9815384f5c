"""A horizontal time ruler: the incident's phases, lifecycle markers and one tick per event.

Time runs linearly from the first moment to the last (events and lifecycle
markers alike), so a long silence is a long empty stretch, and the longest
silences are labelled with their length. The current event is drawn over the
rest; the static picture is cached, so moving the current event repaints one
pixmap and a line, whatever the number of events.
"""

from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from PySide6.QtCore import QLineF, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
    QPolygonF,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from irdesk.domain.phases import phase_boundaries
from irdesk.gui.common import formatting
from irdesk.gui.timeline.walk_model import PHASE_COLOURS

MARKERS = (
    ("started_at", "started"),
    ("detected_at", "detected"),
    ("acknowledged_at", "acked"),
    ("mitigated_at", "mitigated"),
    ("resolved_at", "resolved"),
    ("verified_at", "verified"),
)
# A silence is labelled when it is this share of the whole span or more, longest first.
SILENCE_SHARE = 0.08
MAX_SILENCE_LABELS = 3
LABEL_ROWS = 2


@dataclass(frozen=True)
class RulerTheme:
    background: str
    axis: str
    text: str
    tick: str
    key_tick: str
    current: str
    marker: str
    band_alpha: int
    font_scale: float
    tick_width: float = 1.0


LIGHT = RulerTheme(
    background="#ffffff",
    axis="#5f6368",
    text="#202124",
    tick="#455a64",
    key_tick="#c62828",
    current="#0b57d0",
    marker="#202124",
    band_alpha=55,
    font_scale=1.0,
)
# Presenter mode: white and yellow on black, read from the back of the room.
HIGH_CONTRAST = RulerTheme(
    background="#000000",
    axis="#ffffff",
    text="#ffffff",
    tick="#e0e0e0",
    key_tick="#ffd600",
    current="#00e5ff",
    marker="#ffffff",
    band_alpha=110,
    font_scale=2.5,
    tick_width=2.0,
)


class TimeRuler(QWidget):
    """Set the data with `set_timeline`, the highlighted event with `set_current`."""

    event_clicked = Signal(int)  # the index (into the times given) of the nearest event

    def __init__(self, theme: RulerTheme = LIGHT, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.theme = theme
        self.times: list[datetime] = []
        self.key_moments: list[bool] = []
        self.lifecycle: dict[str, datetime | None] = {}
        self.current: int | None = None
        self._span: tuple[float, float] | None = None
        self._stamps: list[float] = []
        self._cache: QPixmap | None = None
        self._plot_rect: QRectF | None = None
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * theme.font_scale)
        self.setFont(font)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        line = QFontMetricsF(font).height()
        self.setFixedHeight(int(line * (LABEL_ROWS + 3.3) + 4))
        self.setToolTip("Time runs left to right at one scale: gaps are silences. Click an event.")

    def sizeHint(self) -> QSize:
        return QSize(600, self.height())

    # ------------------------------------------------------------------ data

    def set_timeline(
        self,
        times: Sequence[datetime],
        key_moments: Sequence[bool],
        lifecycle: Mapping[str, datetime | None],
    ) -> None:
        self.times = list(times)
        self.key_moments = list(key_moments)
        self.lifecycle = dict(lifecycle)
        self._stamps = [t.timestamp() for t in self.times]
        moments = self._stamps + [t.timestamp() for t in self.lifecycle.values() if t is not None]
        self._span = (min(moments), max(moments)) if moments else None
        self.current = None
        self._cache = None
        self.update()

    def set_current(self, index: int | None) -> None:
        if index == self.current:
            return
        self.current = index
        self.update()

    # --------------------------------------------------------------- geometry

    def _plot(self) -> QRectF:
        """Where the ruler itself is drawn; cached until the size or the font changes."""
        if self._plot_rect is None:
            metrics = QFontMetricsF(self.font())
            margin = metrics.horizontalAdvance("mitigated") / 2 + 4
            line = metrics.height()
            # Two rows of marker labels above, the span's ends below.
            self._plot_rect = QRectF(
                margin, line * LABEL_ROWS + 4, max(1.0, self.width() - 2 * margin), line * 2
            )
        return self._plot_rect

    def x_of(self, stamp: float) -> float:
        plot = self._plot()
        if self._span is None:
            return plot.left()
        start, end = self._span
        width = end - start
        share = 0.5 if width <= 0 else (stamp - start) / width
        return plot.left() + share * plot.width()

    def _xs(self) -> list[float]:
        """Every event's x, in one pass: an incident of thousands of events still repaints
        without a stall."""
        plot = self._plot()
        if self._span is None:
            return []
        start, end = self._span
        if end <= start:
            return [plot.left() + plot.width() / 2] * len(self._stamps)
        factor = plot.width() / (end - start)
        left = plot.left()
        return [left + (stamp - start) * factor for stamp in self._stamps]

    # ---------------------------------------------------------------- painting

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._cache = None
        self._plot_rect = None
        super().resizeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        ratio = self.devicePixelRatioF()
        if self._cache is None or self._cache.size() != self.size() * ratio:
            self._cache = QPixmap(self.size() * ratio)
            self._cache.setDevicePixelRatio(ratio)
            self._cache.fill(QColor(self.theme.background))
            with _painting(self._cache) as painter:
                self._paint_static(painter)
        painter = QPainter(self)
        painter.drawPixmap(0, 0, self._cache)
        self._paint_current(painter)
        painter.end()

    def _paint_static(self, painter: QPainter) -> None:
        theme = self.theme
        plot = self._plot()
        painter.setFont(self.font())
        metrics = QFontMetricsF(self.font())
        if self._span is None:
            painter.setPen(QColor(theme.text))
            painter.drawText(plot, Qt.AlignmentFlag.AlignCenter, "No events")
            return
        # Phase bands behind everything.
        boundaries = phase_boundaries(self.lifecycle)
        for number, (when, phase) in enumerate(boundaries):
            left = self.x_of(when.timestamp())
            right = (
                self.x_of(boundaries[number + 1][0].timestamp())
                if number + 1 < len(boundaries)
                else plot.right()
            )
            colour = QColor(PHASE_COLOURS[phase])
            colour.setAlpha(theme.band_alpha)
            painter.fillRect(QRectF(left, plot.top(), right - left, plot.height()), colour)
        # The axis and the silences.
        painter.setPen(QPen(QColor(theme.axis), 1))
        painter.drawLine(QLineF(plot.left(), plot.bottom(), plot.right(), plot.bottom()))
        self._paint_silences(painter, plot, metrics)
        # One tick per event; key moments taller and coloured.
        ordinary: list[QLineF] = []
        key: list[QLineF] = []
        tick_top = plot.top() + plot.height() * 0.45
        for x, is_key in zip(self._xs(), self.key_moments, strict=True):
            if is_key:
                key.append(QLineF(x, plot.top() + plot.height() * 0.1, x, plot.bottom()))
            else:
                ordinary.append(QLineF(x, tick_top, x, plot.bottom()))
        painter.setPen(QPen(QColor(theme.tick), theme.tick_width))
        painter.drawLines(ordinary)
        painter.setPen(QPen(QColor(theme.key_tick), theme.tick_width * 2))
        painter.drawLines(key)
        self._paint_markers(painter, plot, metrics)
        # The ends of the span, in local time.
        painter.setPen(QColor(theme.text))
        start, end = self._span
        bottom = QRectF(0, plot.bottom() + 2, self.width(), metrics.height())
        first = formatting.local_time(_from_stamp(start), "%H:%M")
        last = formatting.local_time(_from_stamp(end), "%H:%M")
        painter.drawText(bottom.adjusted(plot.left(), 0, 0, 0), Qt.AlignmentFlag.AlignLeft, first)
        painter.drawText(
            bottom.adjusted(0, 0, -(self.width() - plot.right()), 0),
            Qt.AlignmentFlag.AlignRight,
            last,
        )

    def _paint_silences(self, painter: QPainter, plot: QRectF, metrics: QFontMetricsF) -> None:
        if self._span is None or len(self._stamps) < 2:
            return
        start, end = self._span
        whole = end - start
        gaps = sorted(
            (
                (b - a, a, b)
                for a, b in zip(self._stamps, self._stamps[1:], strict=False)
                if whole > 0 and (b - a) / whole >= SILENCE_SHARE
            ),
            reverse=True,
        )[:MAX_SILENCE_LABELS]
        painter.setPen(QPen(QColor(self.theme.text), 1, Qt.PenStyle.DotLine))
        middle_y = plot.top() + plot.height() * 0.72
        for length, a, b in gaps:
            left, right = self.x_of(a), self.x_of(b)
            label = f"{formatting.duration_text(length)} silence"
            if metrics.horizontalAdvance(label) + 8 > right - left:
                label = formatting.duration_text(length)
            painter.drawLine(QLineF(left + 2, middle_y, right - 2, middle_y))
            box = QRectF(left, plot.top(), right - left, plot.height() * 0.6)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, label)

    def _paint_markers(self, painter: QPainter, plot: QRectF, metrics: QFontMetricsF) -> None:
        painter.setFont(self.font())
        # Markers close together (detected a minute after started) take the row whose
        # label fits nearest its line, shifted right if need be, with a leader to the line.
        row_right = [-1e9] * LABEL_ROWS
        for field, label in MARKERS:
            when = self.lifecycle.get(field)
            if when is None:
                continue
            x = self.x_of(when.timestamp())
            width = metrics.horizontalAdvance(label)
            wanted = min(max(0.0, x - width / 2), self.width() - width)
            row = min(range(LABEL_ROWS), key=lambda r: (max(wanted, row_right[r] + 6) - wanted, r))
            left = max(wanted, row_right[row] + 6)
            row_right[row] = left + width
            top = row * metrics.height()
            painter.setPen(QPen(QColor(self.theme.marker), 2))
            painter.drawLine(QLineF(x, plot.top() - 2, x, plot.bottom() + 3))
            label_bottom = top + metrics.height()
            if abs(left + width / 2 - x) > width / 2 or row > 0:
                painter.setPen(QPen(QColor(self.theme.marker), 1, Qt.PenStyle.DotLine))
                painter.drawLine(
                    QLineF(x, plot.top() - 2, min(max(x, left), left + width), label_bottom)
                )
            painter.setPen(QColor(self.theme.text))
            painter.drawText(QRectF(left, top, width + 2, metrics.height()), label)

    def _paint_current(self, painter: QPainter) -> None:
        if self.current is None or not 0 <= self.current < len(self._stamps):
            return
        plot = self._plot()
        x = self.x_of(self._stamps[self.current])
        colour = QColor(self.theme.current)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(colour, 3 * self.theme.tick_width))
        painter.drawLine(QLineF(x, plot.top(), x, plot.bottom()))
        # A notch pointing down into the ruler: clear of the labels above and below it.
        size = plot.height() * 0.28
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawPolygon(
            QPolygonF(
                [
                    QPointF(x - size, plot.top()),
                    QPointF(x + size, plot.top()),
                    QPointF(x, plot.top() + size * 1.2),
                ]
            )
        )

    # ------------------------------------------------------------------ mouse

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if not self._stamps or event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        xs = self._xs()
        x = event.position().x()
        after = bisect_left(xs, x)
        nearest = min(
            (i for i in (after - 1, after) if 0 <= i < len(xs)), key=lambda i: abs(xs[i] - x)
        )
        self.event_clicked.emit(nearest)


def _from_stamp(stamp: float) -> datetime:
    return datetime.fromtimestamp(stamp, UTC)


class _painting:
    """`with _painting(pixmap) as painter`: a painter that is always ended."""

    def __init__(self, device: QPixmap) -> None:
        self.painter = QPainter(device)

    def __enter__(self) -> QPainter:
        return self.painter

    def __exit__(self, *_exc: object) -> None:
        self.painter.end()
