"""The one way user text reaches a reportlab Paragraph: escaped, wrapped, in the right font.

Paragraph text is reportlab's mini-markup, so `<b>`, `&amp;` or `<font>` typed
by a user would be interpreted (or crash the build). `para_text` escapes every
character that means something to the markup, sets CJK runs in the CJK font,
and keeps line breaks. Very long unbroken words (hashes, URLs) are cut at the
margin by reportlab's `splitLongWords`, which every packet style leaves on.
"""

import re
from xml.sax.saxutils import escape

from irdesk.reports.packets.fonts import CJK

# CJK ideographs, kana, hangul and their punctuation and full-width forms.
_CJK_RUN = re.compile(
    "([\u2e80-\u2fdf\u3000-\u30ff\u3100-\u31ff\u3200-\u33ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]+)"
)


def para_text(text: str | None) -> str:
    """`text` as Paragraph markup that prints exactly what was typed (line breaks kept)."""
    if not text:
        return ""
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
