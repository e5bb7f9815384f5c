"""Colours that can be read: WCAG AA contrast in a light and a dark palette alike.

Every colour irdesk puts on text (a warning's red, a category's hue, a quieter hint)
goes through `readable`, which darkens or lightens it just enough to reach 4.5:1
against what it is drawn on. A red chosen for a white window stays that red there and
becomes a lighter red on a dark one. When the system asks for dark and the style has
no dark palette of its own, `follow_system_scheme` gives the application one.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QLabel

# WCAG 2.x success criterion 1.4.3 (AA): normal text, and large text (18 pt, or 14 pt bold).
AA_TEXT = 4.5
AA_LARGE = 3.0
# Below this relative luminance a background reads as dark: black text on it has less
# contrast than white text (the two are equal at about 0.179).
DARK_LUMINANCE = 0.179
# How far a quiet text (hints, field names) is mixed from the text colour towards the
# background, before `readable` pulls it back to AA if that went too far.
QUIET_MIX = 0.32


def luminance(colour: QColor) -> float:
    """WCAG relative luminance of an sRGB colour."""

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(c) for c in colour.getRgbF()[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: QColor, second: QColor) -> float:
    """WCAG contrast of `first` drawn over `second` (a translucent `first` is blended in)."""
    if first.alphaF() < 1:
        first = mix(second, first, first.alphaF())
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def mix(colour: QColor, other: QColor, share: float) -> QColor:
    """`colour` moved `share` (0–1) of the way towards `other`."""
    return QColor.fromRgbF(
        *(
            (1 - share) * a + share * b
            for a, b in zip(colour.getRgbF()[:3], other.getRgbF()[:3], strict=True)
        )
    )


def readable(colour: QColor | str, background: QColor, minimum: float = AA_TEXT) -> QColor:
    """`colour`, darkened or lightened just enough to reach `minimum` on `background`."""
    wanted = QColor(colour)
    if wanted.alphaF() < 1:
        wanted = mix(background, wanted, wanted.alphaF())
    if contrast_ratio(wanted, background) >= minimum:
        return wanted
    pole = QColor("white") if luminance(background) < DARK_LUMINANCE else QColor("black")
    for step in range(1, 21):
        moved = mix(wanted, pole, step / 20)
        if contrast_ratio(moved, background) >= minimum:
            return moved
    return pole


def window_colour() -> QColor:
    return QGuiApplication.palette().color(QPalette.ColorRole.Window)


def base_colour() -> QColor:
    return QGuiApplication.palette().color(QPalette.ColorRole.Base)


def text_style(
    colour: QColor | str, *, bold: bool = False, background: QColor | None = None
) -> str:
    """A style sheet's `color:` for `colour`, made readable on the window (or `background`)."""
    # Bold alone is not large text (that needs 14 pt bold): the normal minimum applies.
    shown = readable(colour, background or window_colour())
    return f"color: {shown.name()}" + ("; font-weight: bold" if bold else "")


def quiet_text(palette: QPalette) -> QColor:
    """Quieter than the text beside it (field names, hints), and still AA on the window."""
    text = palette.color(QPalette.ColorRole.WindowText)
    background = palette.color(QPalette.ColorRole.Window)
    return readable(mix(text, background, QUIET_MIX), background)


def make_quiet(label: QLabel) -> QLabel:
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, quiet_text(palette))
    label.setPalette(palette)
    return label


def dark_palette() -> QPalette:
    """A dark palette for styles that have none (Fusion's colours, after its dark mode)."""
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#2b2b2b",
        QPalette.ColorRole.WindowText: "#e8e8e8",
        QPalette.ColorRole.Base: "#1f1f1f",
        QPalette.ColorRole.AlternateBase: "#292929",
        QPalette.ColorRole.ToolTipBase: "#3a3a3a",
        QPalette.ColorRole.ToolTipText: "#f0f0f0",
        QPalette.ColorRole.PlaceholderText: "#a8a8a8",
        QPalette.ColorRole.Text: "#e8e8e8",
        QPalette.ColorRole.Button: "#353535",
        QPalette.ColorRole.ButtonText: "#e8e8e8",
        QPalette.ColorRole.BrightText: "#ff8a80",
        QPalette.ColorRole.Light: "#4a4a4a",
        QPalette.ColorRole.Midlight: "#3f3f3f",
        QPalette.ColorRole.Mid: "#5a5a5a",
        QPalette.ColorRole.Dark: "#1a1a1a",
        QPalette.ColorRole.Shadow: "#0a0a0a",
        QPalette.ColorRole.Highlight: "#3d6fb4",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: "#8ab4f8",
        QPalette.ColorRole.LinkVisited: "#c58af9",
    }
    for role, colour in roles.items():
        palette.setColor(role, QColor(colour))
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#8c8c8c"))
    return palette


# (text, what it is drawn on) in every palette irdesk uses.
TEXT_PAIRS = (
    (QPalette.ColorRole.WindowText, QPalette.ColorRole.Window),
    (QPalette.ColorRole.Text, QPalette.ColorRole.Base),
    (QPalette.ColorRole.Text, QPalette.ColorRole.AlternateBase),
    (QPalette.ColorRole.ButtonText, QPalette.ColorRole.Button),
    (QPalette.ColorRole.HighlightedText, QPalette.ColorRole.Highlight),
    (QPalette.ColorRole.ToolTipText, QPalette.ColorRole.ToolTipBase),
    (QPalette.ColorRole.PlaceholderText, QPalette.ColorRole.Base),
    (QPalette.ColorRole.Link, QPalette.ColorRole.Base),
)


def readable_palette(palette: QPalette) -> QPalette:
    """`palette` with every text pair at AA: Fusion's selection (white on a mid blue) and
    placeholder (half-transparent text) fall short of it."""
    fixed = QPalette(palette)
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        selection_text = fixed.color(group, QPalette.ColorRole.HighlightedText)
        selection = fixed.color(group, QPalette.ColorRole.Highlight)
        # The selection colour gives way, not its text: white on a deeper blue.
        fixed.setColor(group, QPalette.ColorRole.Highlight, readable(selection, selection_text))
        for text, background in TEXT_PAIRS:
            if text == QPalette.ColorRole.HighlightedText:
                continue
            drawn_on = fixed.color(group, background)
            fixed.setColor(group, text, readable(fixed.color(group, text), drawn_on))
    return fixed


def follow_system_scheme(app: QApplication) -> None:
    """Dark when the system says so (even where the style stays light), AA text either way."""
    dark_wanted = app.styleHints().colorScheme() == Qt.ColorScheme.Dark
    if dark_wanted and luminance(window_colour()) >= DARK_LUMINANCE:
        app.setPalette(readable_palette(dark_palette()))
    else:
        app.setPalette(readable_palette(app.palette()))
