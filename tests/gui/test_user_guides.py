"""The user guides the Help menu opens: each shows its heading, links lead on, Esc closes."""

import re
from importlib import resources
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QImage, QTextBlock, QTextCursor, QTextDocument
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from irdesk.gui.common.user_guides import (
    DOCS_PACKAGE,
    MAX_IMAGE_WIDTH,
    UserGuideDialog,
    guide_exists,
    guide_text,
    guides,
    heading_anchor,
    resolve_link,
    show_user_guide,
)

# [text](target) and ![alt](target); a target has no spaces in these guides.
LINK = re.compile(r"(!?)\[[^\]]*\]\(([^)\s]+)\)")
WEB = ("http://", "https://", "mailto:")


def open_guide(qtbot: QtBot, name: str) -> UserGuideDialog:
    dialog = UserGuideDialog(name)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def heading_block(dialog: UserGuideDialog, text: str) -> QTextBlock:
    block = dialog.browser.document().firstBlock()
    while block.isValid():
        if block.blockFormat().headingLevel() > 0 and block.text() == text:
            return block
        block = block.next()
    raise AssertionError(f"no heading {text!r} in {dialog.current}")


def top_on_screen(dialog: UserGuideDialog, block: QTextBlock) -> float:
    """Where `block` begins, in pixels from the top of the visible page."""
    layout = dialog.browser.document().documentLayout()
    return layout.blockBoundingRect(block).top() - dialog.browser.verticalScrollBar().value()


def click_link(qtbot: QtBot, dialog: UserGuideDialog, href: str) -> None:
    """Scroll the link into view and click the middle of it, as a reader would."""
    browser = dialog.browser
    block = browser.document().firstBlock()
    while block.isValid():
        fragments = block.begin()
        while not fragments.atEnd():
            fragment = fragments.fragment()
            if fragment.charFormat().anchorHref() == href:
                cursor = QTextCursor(browser.document())
                cursor.setPosition(fragment.position() + fragment.length() // 2)
                browser.setTextCursor(cursor)
                browser.ensureCursorVisible()
                middle = browser.cursorRect(cursor).center()
                qtbot.mouseClick(browser.viewport(), Qt.MouseButton.LeftButton, pos=middle)
                return
            fragments += 1
        block = block.next()
    raise AssertionError(f"no link to {href} in {dialog.current}")


@pytest.mark.parametrize(("title", "name"), guides(), ids=[name for _title, name in guides()])
def test_each_guide_opens_showing_its_heading(qtbot: QtBot, title: str, name: str) -> None:
    dialog = open_guide(qtbot, name)

    first = dialog.browser.document().firstBlock()
    assert first.blockFormat().headingLevel() == 1
    assert first.text() == title
    assert top_on_screen(dialog, first) == pytest.approx(0, abs=10)
    assert dialog.windowTitle() == f"{title} — irdesk"
    assert not dialog.isModal()  # read beside the main window, in the middle of a review


def test_every_guide_that_ships_is_listed_for_the_help_menu() -> None:
    docs = resources.files(DOCS_PACKAGE)
    shipped = {
        f"guides/{f.name}" for f in docs.joinpath("guides").iterdir() if f.name.endswith(".md")
    }
    shipped.add("commands.md")

    assert {name for _title, name in guides()} == shipped


def test_a_link_opens_the_other_guide_in_the_same_window_and_back_returns(
    qtbot: QtBot,
) -> None:
    dialog = open_guide(qtbot, "guides/facilitator.md")
    assert not dialog.back_button.isEnabled()

    click_link(qtbot, dialog, "manager.md")

    assert dialog.browser.document().firstBlock().text() == "Manager's guide"
    assert dialog.windowTitle() == "Manager's guide — irdesk"
    assert dialog.isVisible()
    qtbot.mouseClick(dialog.back_button, Qt.MouseButton.LeftButton)
    assert dialog.browser.document().firstBlock().text() == "Facilitator's guide"
    assert not dialog.back_button.isEnabled()


def test_a_link_to_a_heading_in_another_guide_scrolls_to_that_heading(qtbot: QtBot) -> None:
    dialog = open_guide(qtbot, "commands.md")

    click_link(qtbot, dialog, "guides/facilitator.md#importing")

    assert dialog.current == "guides/facilitator.md"
    importing = heading_block(dialog, "Importing")
    qtbot.waitUntil(lambda: abs(top_on_screen(dialog, importing)) < 10)
    assert dialog.browser.verticalScrollBar().value() > 0


def test_a_link_outside_the_guides_says_so_and_stays(qtbot: QtBot) -> None:
    dialog = open_guide(qtbot, "guides/administrator.md")

    dialog.browser.anchorClicked.emit(QUrl("../../pyproject.toml"))

    assert dialog.current == "guides/administrator.md"
    assert dialog.notice.isVisible()
    assert "not one of the guides" in dialog.notice.text()


def test_screenshots_show_beside_the_text_scaled_to_fit(qtbot: QtBot) -> None:
    dialog = open_guide(qtbot, "guides/facilitator.md")

    picture = dialog.browser.document().resource(
        QTextDocument.ResourceType.ImageResource,
        QUrl("../../resources/screenshots/main-window.png"),
    )

    assert isinstance(picture, QImage) and not picture.isNull()
    assert picture.width() <= MAX_IMAGE_WIDTH


def test_esc_closes_the_guide(qtbot: QtBot) -> None:
    dialog = open_guide(qtbot, "guides/manager.md")
    dialog.browser.setFocus()

    qtbot.keyClick(dialog.browser, Qt.Key.Key_Escape)

    assert not dialog.isVisible()


def test_the_window_of_one_parent_is_reused_for_the_next_guide(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()

    first = show_user_guide("commands.md", parent)
    second = show_user_guide("guides/compliance-officer.md", parent)

    assert second is first
    assert second.isVisible()
    assert second.browser.document().firstBlock().text() == "Compliance officer's guide"


def _markdown_files(folder: Path, prefix: str = "") -> list[str]:
    names = []
    for entry in sorted(folder.iterdir()):
        if entry.is_dir():
            names += _markdown_files(entry, f"{prefix}{entry.name}/")
        elif entry.name.endswith(".md"):
            names.append(f"{prefix}{entry.name}")
    return names


def _anchors(markdown: str) -> set[str]:
    """The heading anchors of a Markdown text, code blocks left out."""
    anchors, in_code = set(), False
    for line in markdown.splitlines():
        if line.startswith("```"):
            in_code = not in_code
        elif not in_code and line.startswith("#"):
            anchors.add(heading_anchor(line.lstrip("#").replace("`", "")))
    return anchors


def test_every_link_in_the_shipped_guides_leads_somewhere() -> None:
    """A link leads to a web page or a shipped guide (and its heading); a picture exists."""
    docs = Path(str(resources.files(DOCS_PACKAGE)))
    broken = []
    for name in _markdown_files(docs):
        for image, target in LINK.findall(guide_text(name)):
            path, _, fragment = target.partition("#")
            linked = resolve_link(name, path) if path else name
            if image:
                if not (docs / linked).resolve().is_file():
                    broken.append(f"{name}: {target} (no such picture)")
            elif target.startswith(WEB):
                continue
            elif not guide_exists(linked):
                broken.append(f"{name}: {target} (not a guide)")
            elif fragment and fragment not in _anchors(guide_text(linked)):
                broken.append(f"{name}: {target} (no such heading)")

    assert broken == []
