"""The user guides in a window of their own: the Markdown of docs/, shipped as irdesk.docs.

The Help menu shows the same files a reader of the repository sees, so the two never
say different things. Links between guides open in the same window, a link to a
heading (``facilitator.md#walking-the-timeline``) scrolls to it as a code host would,
and web links open in the browser. The window is not modal: a facilitator reads a
guide beside the main window, in the middle of a review.
"""

import posixpath
import re
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import (
    QDesktopServices,
    QImage,
    QKeySequence,
    QShortcut,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from irdesk.gui.common.fit import fit_to_screen

DOCS_PACKAGE = "irdesk.docs"
# (title, resource name), in the order the Help menu lists them; each title is the
# guide's own first heading.
GUIDES = (
    ("Facilitator's guide", "guides/facilitator.md"),
    ("Manager's guide", "guides/manager.md"),
    ("Compliance officer's guide", "guides/compliance-officer.md"),
    ("Engineering leadership's guide", "guides/leadership.md"),
    ("Administrator's guide", "guides/administrator.md"),
    ("Command reference", "commands.md"),
)
WEB_SCHEMES = ("http", "https", "mailto")
# Screenshots are taken at full window size; wider than this they are scaled to fit.
MAX_IMAGE_WIDTH = 760
DEFAULT_SIZE = (880, 760)


def guides() -> list[tuple[str, str]]:
    """(title, resource name) of every guide, in the order the Help menu lists them."""
    return list(GUIDES)


def _resource(name: str) -> Traversable:
    node = resources.files(DOCS_PACKAGE)
    for part in name.split("/"):
        node = node.joinpath(part)
    return node


def guide_exists(name: str) -> bool:
    return name.endswith(".md") and _resource(name).is_file()


def guide_text(name: str) -> str:
    """The Markdown of one guide, e.g. ``guide_text("guides/manager.md")``."""
    return _resource(name).read_text(encoding="utf-8")


def heading_anchor(text: str) -> str:
    """The anchor a code host gives a heading, so the guides' links work in both places:
    lower case, punctuation dropped, spaces turned into hyphens."""
    return re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")


def name_headings(document: QTextDocument) -> None:
    """Give each heading the anchor name a code host would, for `#…` links."""
    block = document.firstBlock()
    while block.isValid():
        if block.blockFormat().headingLevel() > 0 and block.text():
            cursor = QTextCursor(block)
            cursor.movePosition(
                QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor
            )
            named = QTextCharFormat()
            named.setAnchor(True)
            named.setAnchorNames([heading_anchor(block.text())])
            cursor.mergeCharFormat(named)
        block = block.next()


def resolve_link(current: str, target: str) -> str:
    """A link's target relative to the guide `current`, as a resource name."""
    return posixpath.normpath(posixpath.join(posixpath.dirname(current), target))


class GuideBrowser(QTextBrowser):
    """Shows one guide; its images are read from beside the guide's file.

    `setMarkdown` gives the document no address, so relative image paths are
    resolved here against the guide's own folder. They reach into irdesk.resources
    (``../../resources/screenshots/…``), which sits beside irdesk.docs both in the
    source tree and installed.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.folder: Path | None = None

    def loadResource(self, kind: int, name: QUrl) -> Any:
        if kind == QTextDocument.ResourceType.ImageResource and name.isRelative():
            if self.folder is None:
                return None
            path = (self.folder / name.path()).resolve()
            if not path.is_file():
                return None  # not shipped: the page reads on without the picture
            image = QImage(str(path))
            if image.width() > MAX_IMAGE_WIDTH:
                image = image.scaledToWidth(MAX_IMAGE_WIDTH)
            return image
        return super().loadResource(kind, name)


class UserGuideDialog(QDialog):
    """One guide at a time, followed from link to link; Back returns, Esc closes."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModal(False)
        fit_to_screen(self, *DEFAULT_SIZE)
        self.current = ""
        self.history: list[str] = []
        self.browser = GuideBrowser()
        self.browser.setOpenLinks(False)
        self.browser.setAccessibleName("User guide")
        self.browser.anchorClicked.connect(self.follow_link)
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.back_button = QPushButton("&Back")
        self.back_button.setToolTip("The guide before this one (Alt+Left)")
        self.back_button.clicked.connect(self.go_back)
        buttons.addButton(self.back_button, QDialogButtonBox.ButtonRole.ActionRole)
        back = QShortcut(QKeySequence(QKeySequence.StandardKey.Back), self)
        back.activated.connect(self.go_back)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(self.notice)
        layout.addWidget(buttons)
        self.show_guide(name)

    def heading(self) -> str:
        """The first heading of the guide shown: its title."""
        block = self.browser.document().firstBlock()
        while block.isValid():
            if block.blockFormat().headingLevel() > 0:
                return block.text()
            block = block.next()
        return ""

    def show_guide(self, name: str, fragment: str = "") -> None:
        """Show the guide `name` (a resource of irdesk.docs), at the heading `fragment`."""
        text = guide_text(name)
        self.current = name
        docs = resources.files(DOCS_PACKAGE)
        # Images need a folder on disk; a package read from a zip shows the text alone.
        folder = Path(str(docs), posixpath.dirname(name)) if isinstance(docs, Path) else None
        self.browser.folder = folder
        # A new document, its headings named before the browser shows it: naming them in
        # the document on screen stops Qt's incremental layout part of the way down.
        # Its parent, the browser, loads its images; setDocument deletes the previous one.
        document = QTextDocument(self.browser)
        document.setMarkdown(text)
        name_headings(document)
        self.browser.setDocument(document)
        self.setWindowTitle(f"{self.heading()} — irdesk")
        self.notice.hide()
        self.back_button.setEnabled(bool(self.history))
        if fragment:
            self.browser.scrollToAnchor(fragment)
        else:
            self.browser.verticalScrollBar().setValue(0)

    def follow_link(self, url: QUrl) -> None:
        if url.scheme() in WEB_SCHEMES:
            QDesktopServices.openUrl(url)
            return
        fragment = url.fragment()
        if not url.path():
            self.browser.scrollToAnchor(fragment)
            return
        name = resolve_link(self.current, url.path())
        if not guide_exists(name):
            self.notice.setText(f"{url.path()} is not one of the guides shipped with irdesk.")
            self.notice.show()
            return
        self.history.append(self.current)
        self.show_guide(name, fragment)

    def go_back(self) -> None:
        if self.history:
            self.show_guide(self.history.pop())


def show_user_guide(name: str, parent: QWidget | None = None) -> UserGuideDialog:
    """Open the guide `name` in `parent`'s guide window (made on first use) and bring it
    forward; without a parent, in a new window the caller keeps."""
    dialog = parent.findChild(UserGuideDialog) if parent is not None else None
    if dialog is None:
        dialog = UserGuideDialog(name, parent)
    else:
        dialog.history.clear()
        dialog.show_guide(name)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog
