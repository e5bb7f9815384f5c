"""A text editor that underlines blame phrasing and people's names as they are typed.

The check itself is domain.blameless; this module only draws it: a red wavy
underline per flag, the reframing hint as the tooltip over it, and
`flags_changed(count)` whenever the number of flags in the text changes.
"""

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QColor, QHelpEvent, QSyntaxHighlighter, QTextCharFormat, QTextDocument
from PySide6.QtWidgets import QPlainTextEdit, QToolTip, QWidget

from irdesk.domain.blameless import PERSON, BlameFlag, BlamelessChecker, FeedbackChecker

Checker = BlamelessChecker | FeedbackChecker

PHRASE_COLOUR = QColor("#d32f2f")
PERSON_COLOUR = QColor("#ef6c00")
# A faint tint as well as the underline: a wavy line alone is easy to miss on a projector.
PHRASE_TINT = QColor("#ffebee")
PERSON_TINT = QColor("#fff3e0")


class BlameHighlighter(QSyntaxHighlighter):
    def __init__(self, document: QTextDocument, checker: Checker) -> None:
        super().__init__(document)
        self.checker = checker

    def set_checker(self, checker: Checker) -> None:
        self.checker = checker
        self.rehighlight()

    def highlightBlock(self, text: str) -> None:
        for flag in self.checker.flags(text):
            fmt = QTextCharFormat()
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
            colour = PERSON_COLOUR if flag.kind == PERSON else PHRASE_COLOUR
            fmt.setUnderlineColor(colour)
            fmt.setBackground(PERSON_TINT if flag.kind == PERSON else PHRASE_TINT)
            fmt.setToolTip(flag.hint)
            self.setFormat(flag.start, flag.end - flag.start, fmt)


class BlameTextEdit(QPlainTextEdit):
    """Plain text with the blameless check drawn in; `flags()` for what it found."""

    flags_changed = Signal(int)
    # The text itself changed; textChanged also fires when only the underlines are redrawn.
    text_edited = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, checker: Checker | None = None) -> None:
        super().__init__(parent)
        self._checker: Checker = checker if checker is not None else BlamelessChecker()
        self._count = 0
        self.last_text = ""
        self.textChanged.connect(self._text_changed)
        self.highlighter = BlameHighlighter(self.document(), self._checker)
        self.textChanged.connect(self.recount)
        self.viewport().installEventFilter(self)

    def set_people(self, names: list[str]) -> None:
        self._checker = BlamelessChecker(names)
        self.highlighter.set_checker(self._checker)
        self.recount()

    def flags(self) -> list[BlameFlag]:
        """Flags with offsets into the whole text."""
        found: list[BlameFlag] = []
        block = self.document().firstBlock()
        while block.isValid():
            base = block.position()
            for flag in self._checker.flags(block.text()):
                found.append(
                    BlameFlag(base + flag.start, base + flag.end, flag.text, flag.kind, flag.hint)
                )
            block = block.next()
        return found

    def flag_at(self, position: int) -> BlameFlag | None:
        return next((f for f in self.flags() if f.start <= position < f.end), None)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.viewport() and event.type() == QEvent.Type.ToolTip:
            assert isinstance(event, QHelpEvent)
            flag = self.flag_at(self.cursorForPosition(event.pos()).position())
            if flag is not None:
                QToolTip.showText(event.globalPos(), flag.hint, self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().eventFilter(watched, event)

    def _text_changed(self) -> None:
        text = self.toPlainText()
        if text != self.last_text:
            self.last_text = text
            self.text_edited.emit(text)

    def recount(self) -> None:
        count = len(self.flags())
        if count != self._count:
            self._count = count
            self.flags_changed.emit(count)

    @property
    def flag_count(self) -> int:
        return self._count


def set_text_quietly(editor: QPlainTextEdit, text: str) -> None:
    """Show a stored text without it counting as an edit, and without an undo step."""
    blocked = editor.blockSignals(True)
    try:
        editor.setPlainText(text)
    finally:
        editor.blockSignals(blocked)
    editor.document().setModified(False)
    if isinstance(editor, BlameTextEdit):
        editor.last_text = text
        editor.recount()
    editor.moveCursor(editor.textCursor().MoveOperation.End)
