"""The side pane: one incident's facts, its source-data warnings, and its timeline.

An incident that others are merged into lists them ("Also seen as"), each with an
Unlink button; the pane only says which was pressed (`unlink_requested`).
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from irdesk.domain.classification import EffectiveImpact, describe, effective_impact
from irdesk.domain.enums import Severity
from irdesk.gui.common import formatting
from irdesk.gui.common.colours import make_quiet
from irdesk.gui.incidents.overview_timeline_model import (
    COL_ACTOR,
    COL_KIND,
    COL_SOURCE,
    COL_TIME,
    TimelineModel,
)

if TYPE_CHECKING:
    from irdesk.storage.reads import queries
    from irdesk.storage.reads.incident_view import IncidentView
    from irdesk.storage.records import merges


LIFECYCLE = (
    ("Started", "started_at"),
    ("Detected", "detected_at"),
    ("Acknowledged", "acknowledged_at"),
    ("Mitigated", "mitigated_at"),
    ("Resolved", "resolved_at"),
    ("Verified", "verified_at"),
)
# Above this many events the side pane's timeline stops wrapping rows (the Timeline tab
# shows each event in full).
WRAPPED_ROWS_LIMIT = 300
# The timeline's narrow columns, each as wide as the widest value it shows.
TIMELINE_COLUMN_SAMPLES = {
    COL_TIME: "+10d 00:00:00 ✎",
    COL_KIND: "★ status change",
    COL_SOURCE: "statuspage",
}
# Later field → (label, earlier field): shown beside the later timestamp, as the metrics
# define these intervals.
INTERVALS = {
    "detected_at": ("Time to detect", "started_at"),
    "acknowledged_at": ("Time to acknowledge", "detected_at"),
    "mitigated_at": ("Time to mitigate", "started_at"),
    "resolved_at": ("Time to resolve", "started_at"),
}


def _severity_html(severity: Severity | None, raw: str | None, corrected: bool = False) -> str:
    colour = formatting.severity_colour(severity)
    swatch = f'<span style="color:{colour.name()}">■</span> ' if colour else ""
    if corrected:
        # A correction is visible as one, with what the source said beside it.
        source = f" ✎ (source: {html.escape(raw)})" if raw else " ✎ (corrected)"
    else:
        source = f" (source: {html.escape(raw)})" if raw and raw != severity else ""
    return f"{swatch}<b>{formatting.severity_text(severity)}</b>{source}"


def _impact_text(impact: EffectiveImpact) -> str:
    parts = []
    if impact.users_affected is not None:
        parts.append(f"{impact.users_affected:,} users affected")
    if impact.downtime_cost is not None:
        parts.append(f"downtime cost {impact.downtime_cost:,.0f}")
    if impact.customer_severity is not None:
        parts.append(f"customers reported {impact.customer_severity.value}")
    return ", ".join(parts) or formatting.MISSING


def _notes_text(impact: EffectiveImpact) -> str:
    notes = [
        ("Not an incident: left out of the incident figures", impact.not_incident),
        ("External cause (third party)", impact.external_cause),
        ("Approved tech debt", impact.approved_tech_debt),
        ("Regulatory exposure", impact.regulatory_exposure),
    ]
    return " · ".join(text for text, present in notes if present)


def classification_text(impact: EffectiveImpact) -> str:
    """What the facilitator's classification says, a line each; empty when nothing."""
    return "\n".join(describe(impact.classification))


class _RoomyRowDelegate(QStyledItemDelegate):
    """Wrapped rows need air between them, or one event's text runs into the next."""

    ROW_PADDING = 6

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width(), size.height() + self.ROW_PADDING)


def linked_text(linked: merges.LinkedIncident) -> str:
    """'jira:OPS-7 (found in the source data)' or 'jira:OPS-7 (linked by hand)'."""
    how = "found in the source data" if linked.found_in_source else "linked by hand"
    return f"{linked.label} ({how})"


class IncidentDetails(QWidget):
    """Shows a placeholder until `show_incident` is given a loaded `IncidentView`."""

    unlink_requested = Signal(int)  # the id of a merged incident to show on its own again

    PLACEHOLDER = "Select an incident to see its details and timeline."

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.placeholder = QLabel(self.PLACEHOLDER)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        make_quiet(self.placeholder)  # a hint, not content: quieter, still readable

        self.title_label = QLabel()
        title_font = self.title_label.font()
        title_font.setPointSizeF(title_font.pointSizeF() * 1.35)
        title_font.setBold(True)
        self.title_label.setFont(title_font)
        self.title_label.setWordWrap(True)
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.subtitle_label = make_quiet(QLabel())
        self.subtitle_label.setTextFormat(Qt.TextFormat.PlainText)
        self.warning_label = QLabel()
        self.warning_label.setStyleSheet(formatting.WARNING_STYLE)
        self.warning_label.setWordWrap(True)
        self.warning_label.setTextFormat(Qt.TextFormat.PlainText)

        # "Also seen as": one row per merged incident, rebuilt for each incident shown.
        self.linked_box = QWidget()
        self.linked_layout = QGridLayout(self.linked_box)
        self.linked_layout.setContentsMargins(0, 2, 0, 2)
        self.linked_layout.setHorizontalSpacing(8)
        self.linked_layout.setVerticalSpacing(2)
        self.linked_layout.setColumnStretch(2, 1)
        self.linked_labels: list[QLabel] = []
        self.unlink_buttons: list[QPushButton] = []

        self.names: dict[str, QLabel] = {}
        self.values: dict[str, QLabel] = {}
        facts = QGridLayout()
        facts.setHorizontalSpacing(12)
        facts.setVerticalSpacing(3)
        facts.setColumnStretch(1, 1)
        facts.setColumnStretch(3, 1)
        self._add_fact(facts, 0, 0, "Service", span=3)
        self._add_fact(facts, 1, 0, "Severity")
        self._add_fact(facts, 1, 2, "Status")
        self._add_fact(facts, 2, 0, "Review", span=3)
        self._add_fact(facts, 3, 0, "Impact", span=3)
        self._add_fact(facts, 4, 0, "Notes", span=3)
        self._add_fact(facts, 5, 0, "Classified", span=3)
        self.values["Classified"].setWordWrap(True)
        self.values["Severity"].setTextFormat(Qt.TextFormat.RichText)
        for offset, (label, field) in enumerate(LIFECYCLE, start=6):
            self._add_fact(facts, offset, 0, label)
            if field in INTERVALS:
                self._add_fact(facts, offset, 2, INTERVALS[field][0])

        self.timeline_label = QLabel("Timeline")
        heading_font = self.timeline_label.font()
        heading_font.setBold(True)
        self.timeline_label.setFont(heading_font)
        self.timeline_model = TimelineModel(self)
        self.timeline_view = QTableView()
        self.timeline_view.setModel(self.timeline_model)
        self.timeline_view.setAccessibleName("Timeline")
        self.timeline_view.setAccessibleDescription(
            "One row per event of the incident, in time order"
        )
        self._setup_timeline_view()

        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(10, 8, 6, 6)
        layout.addWidget(self.title_label)
        layout.addWidget(self.subtitle_label)
        layout.addWidget(self.warning_label)
        layout.addWidget(self.linked_box)
        layout.addSpacing(4)
        layout.addLayout(facts)
        layout.addSpacing(8)
        # Sections the window adds (the roles) share the space below the facts with the
        # timeline, in a splitter whose panes may fold away: a small window still fits.
        timeline_box = QWidget()
        timeline_layout = QVBoxLayout(timeline_box)
        timeline_layout.setContentsMargins(0, 0, 0, 0)
        timeline_layout.addWidget(self.timeline_label)
        timeline_layout.addWidget(self.timeline_view, 1)
        self.lower = QSplitter(Qt.Orientation.Vertical)
        self.lower.setChildrenCollapsible(True)
        self.lower.addWidget(timeline_box)
        layout.addWidget(self.lower, 1)

        self.pages = QStackedWidget()
        self.pages.addWidget(self.placeholder)
        self.pages.addWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.pages)
        self.view: IncidentView | None = None

    def add_section(self, widget: QWidget) -> None:
        self.lower.insertWidget(self.lower.count() - 1, widget)
        # The timeline takes what the sections leave.
        for index in range(self.lower.count()):
            self.lower.setStretchFactor(index, 1 if index == self.lower.count() - 1 else 0)

    def _add_fact(self, grid: QGridLayout, row: int, column: int, name: str, span: int = 1) -> None:
        label = make_quiet(QLabel(f"{name}:"))
        value = QLabel()
        # Names come from imported data: never let a "<" in them turn into markup.
        value.setTextFormat(Qt.TextFormat.PlainText)
        value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        grid.addWidget(label, row, column)
        grid.addWidget(value, row, column + 1, 1, span)
        self.names[name] = label
        self.values[name] = value

    def _setup_timeline_view(self) -> None:
        view = self.timeline_view
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setAlternatingRowColors(True)
        view.setShowGrid(False)
        # The text is what the room reads: wrap it rather than cut it off.
        view.setWordWrap(True)
        view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        view.setItemDelegate(_RoomyRowDelegate(view))
        view.verticalHeader().hide()
        view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = view.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        metrics = view.fontMetrics()
        # Sized from the widest value they show, not fitted to each incident's rows:
        # fitting measures every row of every column again on each incident selected,
        # and the columns stay put as the user moves down the list.
        for column, sample in TIMELINE_COLUMN_SAMPLES.items():
            header.resizeSection(column, metrics.horizontalAdvance(sample) + 16)
        header.resizeSection(COL_ACTOR, metrics.horizontalAdvance("Firstname Lastnam") + 12)

    def clear(self) -> None:
        self.view = None
        self.timeline_model.set_rows([])
        self.pages.setCurrentWidget(self.placeholder)
        self.placeholder.setText(self.PLACEHOLDER)

    def show_missing(self) -> None:
        """The incident vanished between listing and loading (deleted elsewhere)."""
        self.clear()
        self.placeholder.setText("This incident no longer exists in the database.")

    def show_incident(self, view: IncidentView) -> None:
        self.view = view
        detail = view.detail
        incident = detail.incident
        self.title_label.setText(incident.title)
        self.subtitle_label.setText(f"{incident.external_id} · from {incident.source}")

        self._show_linked(view.linked)

        flags = incident.flags
        self.warning_label.setText("\n".join(formatting.flag_warning(f) for f in flags))
        self.warning_label.setVisible(bool(flags))
        impact = detail.impact or effective_impact(incident, None)
        notes = _notes_text(impact)
        self.values["Notes"].setText(notes)
        for widget in (self.names["Notes"], self.values["Notes"]):
            widget.setVisible(bool(notes))
        classified = classification_text(impact)
        self.values["Classified"].setText(classified)
        for widget in (self.names["Classified"], self.values["Classified"]):
            widget.setVisible(bool(classified))

        self.values["Service"].setText(self._service_text(detail))
        self.values["Severity"].setText(
            _severity_html(
                impact.severity,
                incident.severity_raw or (incident.severity.value if incident.severity else None),
                corrected=impact.classified("severity"),
            )
        )
        self.values["Status"].setText(formatting.status_text(incident.status))
        self.values["Review"].setText(self._review_text(detail))
        self.values["Impact"].setText(_impact_text(impact))
        times = detail.lifecycle
        for label, field in LIFECYCLE:
            value = self.values[label]
            override = detail.overrides.get(field)
            if override is None:
                value.setText(formatting.local_time(times[field]))
                value.setToolTip("")
            else:
                # A correction is visible as one, with what the source said beside it.
                source = formatting.local_time(getattr(incident, field))
                value.setText(f"{formatting.local_time(times[field])}  ✎ (source: {source})")
                value.setToolTip(
                    f"Corrected by {override.set_by or 'a facilitator'}: {override.reason or ''}"
                )
            if field in INTERVALS:
                name, start = INTERVALS[field]
                self.values[name].setText(formatting.interval_text(times[start], times[field]))

        count = len(view.events)
        self.timeline_label.setText(f"Timeline ({count} event{'s' if count != 1 else ''})")
        # Measuring thousands of wrapped rows stalls the window: a long timeline gets one line a row.
        wrap = count <= WRAPPED_ROWS_LIMIT
        # Each change of mode measures every row again: changed only when it changes.
        if wrap != self.timeline_view.wordWrap():
            self.timeline_view.setWordWrap(wrap)
            self.timeline_view.verticalHeader().setSectionResizeMode(
                QHeaderView.ResizeMode.ResizeToContents if wrap else QHeaderView.ResizeMode.Fixed
            )
        self.timeline_model.set_rows(view.events)
        self.pages.setCurrentIndex(1)

    def _show_linked(self, linked: tuple[merges.LinkedIncident, ...]) -> None:
        while self.linked_layout.count():
            item = self.linked_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.linked_labels = []
        self.unlink_buttons = []
        for row, item in enumerate(linked):
            if row == 0:
                self.linked_layout.addWidget(make_quiet(QLabel("Also seen as:")), 0, 0)
            text = QLabel(linked_text(item))
            text.setTextFormat(Qt.TextFormat.PlainText)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            tip = (
                item.title if item.evidence is None else f"{item.title}\nLinked by {item.evidence}"
            )
            text.setToolTip(tip)
            button = QPushButton("Unlink")
            button.setToolTip(f"Show {item.label} as an incident of its own again (Ctrl+Z undoes)")
            button.clicked.connect(lambda _checked=False, i=item.id: self.unlink_requested.emit(i))
            row_layout = QHBoxLayout()
            row_layout.setSpacing(8)
            row_layout.addWidget(text)
            row_layout.addWidget(button)
            row_layout.addStretch(1)
            holder = QWidget()
            holder.setLayout(row_layout)
            row_layout.setContentsMargins(0, 0, 0, 0)
            self.linked_layout.addWidget(holder, row, 1, 1, 2)
            self.linked_labels.append(text)
            self.unlink_buttons.append(button)
        self.linked_box.setVisible(bool(linked))

    @staticmethod
    def _service_text(detail: queries.IncidentDetail) -> str:
        service = detail.service
        if service is None:
            return formatting.MISSING
        extras = [formatting.service_tier_text(service.tier)]
        if detail.owner_team is not None:
            extras.append(f"owned by {detail.owner_team.name}")
        return f"{service.name} ({', '.join(extras)})"

    @staticmethod
    def _review_text(detail: queries.IncidentDetail) -> str:
        review = detail.review
        if review is None:
            return "No review yet"
        due = f", due {review.due_on.isoformat()}" if review.due_on else ""
        tier = formatting.review_tier_text(review.tier)
        return f"{tier} · {formatting.review_status_text(review.status)}{due}"
