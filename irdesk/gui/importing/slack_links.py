"""The import dialog's Slack options: which incident each unlinked channel is about.

A Slack export's channels are linked to incidents by their name or topic; one the
import could not link is skipped with a warning. This box lists those channels,
each with a field for the incident (a key such as pagerduty:PH4UE4E, its URL, or
one picked from the database's incidents by completion), and the reaction that
marks a key moment. What it holds becomes ImportOptions.slack_channels and
ImportOptions.key_reaction; it says `applied` when the user has finished editing
(Enter, leaving a field, picking a completion) and `edited` while they type.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCompleter,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

DEFAULT_REACTION = "pushpin"
# What the completer shows: the key the import needs, then the incident's title.
KEY_TITLE_SEPARATOR = "  —  "
LINK_PLACEHOLDER = "Incident key (pagerduty:PH4UE4E) or URL; type to pick from the database"
PROBLEM_STYLE = "QLineEdit { border: 1px solid #e57373; border-radius: 2px; padding: 1px 2px; }"


def reaction_name(text: str) -> str:
    """':pushpin:' or ' pushpin ' → 'pushpin'; empty → the default."""
    return text.strip().strip(":").strip() or DEFAULT_REACTION


@dataclass(frozen=True)
class IncidentChoice:
    key: str  # "pagerduty:PH4UE4E"
    title: str

    @property
    def text(self) -> str:
        return f"{self.key}{KEY_TITLE_SEPARATOR}{self.title}"


def key_of(text: str) -> str:
    """A completion's text ('pagerduty:PH4UE4E  —  Test') or a typed key → the key."""
    return text.split(KEY_TITLE_SEPARATOR, 1)[0].strip()


class SlackLinksBox(QGroupBox):
    """Rows for unlinked channels and the key-moment reaction; hidden until needed."""

    edited = Signal()  # the fields no longer match what the preview used
    applied = Signal()  # the user finished editing: preview with `links()` and `reaction()`

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Slack", parent)
        self.edits: dict[str, QLineEdit] = {}
        self.completers: dict[str, QCompleter] = {}
        self._choices = QStringListModel(self)
        self._applied: tuple[dict[str, str], str] = ({}, DEFAULT_REACTION)

        self.note = QLabel()
        self.note.setWordWrap(True)
        self.channels_form = QFormLayout()
        self.channels_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.channels_form.setHorizontalSpacing(10)
        self.channels_form.setVerticalSpacing(6)
        self.reaction_edit = QLineEdit(DEFAULT_REACTION)
        self.reaction_edit.setToolTip(
            "Messages with this reaction, and pinned ones, become key moments of the timeline."
        )
        self.reaction_edit.setPlaceholderText(DEFAULT_REACTION)
        self.reaction_edit.setMaximumWidth(self.fontMetrics().horizontalAdvance("M" * 18))
        self._watch(self.reaction_edit)
        reaction_label = QLabel("&Key moment reaction:")
        reaction_label.setBuddy(self.reaction_edit)
        self.channels_form.addRow(reaction_label, self.reaction_edit)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 10)
        layout.setSpacing(6)
        layout.addWidget(self.note)
        layout.addLayout(self.channels_form)
        self._update_note()

    # -------------------------------------------------------------------- API

    def reset(self) -> None:
        """A new import: no channels, the default reaction."""
        for name in list(self.edits):
            self.channels_form.removeRow(self.edits[name])
        self.edits.clear()
        self.completers.clear()
        self.reaction_edit.setText(DEFAULT_REACTION)
        self._applied = ({}, DEFAULT_REACTION)
        self._update_note()

    def set_choices(self, choices: Sequence[IncidentChoice]) -> None:
        """The database's incidents the completers offer."""
        self._choices.setStringList([choice.text for choice in choices])

    def add_channels(self, names: Iterable[str]) -> list[str]:
        """Rows for channels not shown yet (rows stay once shown); returns the new ones."""
        added = []
        for name in names:
            if name in self.edits:
                continue
            edit = QLineEdit()
            edit.setPlaceholderText(LINK_PLACEHOLDER)
            edit.setClearButtonEnabled(True)
            edit.setToolTip(
                f"The incident #{name} is about: a key such as pagerduty:PH4UE4E, #12728 or "
                "INC-1042, or the incident's URL. Empty: link it by its name or topic."
            )
            completer = QCompleter(self._choices, edit)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setMaxVisibleItems(10)
            edit.setCompleter(completer)
            completer.activated.connect(lambda text, e=edit: self._choice_taken(e, text))
            self._watch(edit)
            label = QLabel(f"#{name}")
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setBuddy(edit)
            self.channels_form.insertRow(self.channels_form.rowCount() - 1, label, edit)
            self.edits[name] = edit
            self.completers[name] = completer
            added.append(name)
        if added:
            self._update_note()
        return added

    def links(self) -> dict[str, str]:
        """channel → incident key, for the channels given one."""
        return {
            name: key_of(edit.text()) for name, edit in self.edits.items() if key_of(edit.text())
        }

    def reaction(self) -> str:
        return reaction_name(self.reaction_edit.text())

    def show_unlinked(self, channels: Sequence[str], problem: str | None, has_slack: bool) -> None:
        """After a preview: rows for the channels it could not link (`problem` the one that
        stopped it); the box shows once the import has Slack files, or rows to fill."""
        self.add_channels([*channels, *([problem] if problem is not None else [])])
        self.mark_problem(problem)
        if has_slack or self.edits:
            self.show()

    def mark_problem(self, channel: str | None) -> None:
        """Outline the channel whose link found no incident (None: clear every mark)."""
        for name, edit in self.edits.items():
            edit.setStyleSheet(PROBLEM_STYLE if name == channel else "")
        if channel in self.edits:
            edit = self.edits[channel]
            edit.setFocus(Qt.FocusReason.OtherFocusReason)
            edit.selectAll()

    @property
    def pending(self) -> bool:
        """Edited since the last `applied`."""
        return (self.links(), self.reaction()) != self._applied

    def mark_applied(self) -> None:
        self._applied = (self.links(), self.reaction())

    # ---------------------------------------------------------------- private

    def _watch(self, edit: QLineEdit) -> None:
        edit.textEdited.connect(lambda _text: self.edited.emit())
        edit.editingFinished.connect(self._apply)
        # Enter applies what was typed; it must not press the dialog's Import button.
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shortcut = QShortcut(QKeySequence(key), edit)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self._apply)

    def _choice_taken(self, edit: QLineEdit, text: str) -> None:
        edit.setText(key_of(text))  # the key, not the title shown beside it
        self._apply()

    def _apply(self) -> None:
        for name, edit in self.edits.items():
            key = key_of(edit.text())
            if key != edit.text():
                edit.setText(key)
            completer = self.completers[name]
            completer.popup().hide()
        if self.pending:
            self.mark_applied()
            self.applied.emit()

    def _update_note(self) -> None:
        if self.edits:
            self.note.setText(
                "The import could not link these channels to an incident. Give each the "
                "incident it is about (its key or URL, or pick one as you type); a channel "
                "left empty is skipped."
            )
        else:
            self.note.setText("Every channel of the export is linked to an incident.")
