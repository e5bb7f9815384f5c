"""The one way user text reaches a reportlab Paragraph: escaped, wrapped, in the right font.

Paragraph text is reportlab's mini-markup, so `<b>`, `&amp;` or `<font>` typed
by a user would be interpreted (or crash the build). `para_text` escapes every
character that means something to the markup, sets CJK runs in the CJK font,
and keeps line breaks.

Very long unbroken words (hashes, base64, minified JSON) are broken into
line-wide pieces here, before reportlab sees them: its own splitting of a long
word (`splitLongWords`) re-measures the rest of the word for every line it
cuts, so a 200,000-character word took minutes. Each piece is as wide as the
line it is given, so it fills a line of its own and the break between pieces
falls where the line would have wrapped anyway; every character is kept, in
order, and nothing is added to the page but the line break.
"""

import re
from xml.sax.saxutils import escape

from reportlab.pdfbase.pdfmetrics import stringWidth

from irdesk.reports.packets.fonts import CJK

# CJK ideographs, kana, hangul and their punctuation and full-width forms.
_CJK_CHARS = (
    "\u2e80-\u2fdf\u3000-\u30ff\u3100-\u31ff\u3200-\u33ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
)
_CJK_RUN = re.compile(f"([{_CJK_CHARS}]+)")
_CJK_CHAR = re.compile(f"[{_CJK_CHARS}]")
# Words of up to this many characters are left to reportlab: measuring them would cost
# more than its own wrapping, which is fast for a word this short whatever the line.
_SHORT_WORD = 48
_LONG_WORD = re.compile(rf"[^\s]{{{_SHORT_WORD + 1},}}")
# Below the measured width, so rounding never leaves a piece a hair too wide for its line.
_SLACK = 0.5


def _pieces(word: str, width: float, font: str, size: float) -> list[str]:
    """`word` cut into consecutive pieces, each as many characters as fit in `width`."""
    widths: dict[str, float] = {}
    pieces, start, used = [], 0, 0.0
    for index, char in enumerate(word):
        step = widths.get(char)
        if step is None:
            step = widths[char] = stringWidth(char, CJK if _CJK_CHAR.match(char) else font, size)
        if used + step > width - _SLACK and index > start:
            pieces.append(word[start:index])
            start, used = index, 0.0
        used += step
    pieces.append(word[start:])
    return pieces


def break_long_words(text: str, width: float, font: str, size: float) -> str:
    """`text` with a line break wherever a word wider than `width` points reaches it."""
    if len(text) <= _SHORT_WORD:
        return text

    def cut(match: re.Match[str]) -> str:
        return "\n".join(_pieces(match.group(0), width, font, size))

    return _LONG_WORD.sub(cut, text)


def para_text(
    text: str | None, *, width: float | None = None, font: str = "", size: float = 0.0
) -> str:
    """`text` as Paragraph markup that prints exactly what was typed (line breaks kept).

    With `width` (points, the narrowest line the text may get) and the style's `font`
    and `size`, words too long for a line are broken at the line's width first.
    """
    if not text:
        return ""
    if width is not None:
        text = break_long_words(text, width, font, size)
    pieces = []
    for index, piece in enumerate(_CJK_RUN.split(text)):
        escaped = escape(piece).replace("\n", "<br/>")
        pieces.append(f'<font face="{CJK}">{escaped}</font>' if index % 2 else escaped)
    return "".join(pieces)


def plain(text: str | None) -> str:
    """For canvas drawString (no markup): the text itself, control characters dropped."""
    return "".join(ch for ch in (text or "") if ch >= " ")


def has_cjk(text: str) -> bool:
    return bool(_CJK_RUN.search(text))
