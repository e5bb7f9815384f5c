"""The Unicode fonts packets embed, registered with reportlab once per process.

DejaVu Sans covers Latin (Turkish included), Greek and Cyrillic; CJK runs are
set in WenQuanYi Micro Hei (see resources/fonts/README.md). Both are TrueType
with glyf outlines, which is what reportlab can embed.
"""

from functools import cache
from importlib import resources

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

BODY = "IrdeskSans"
BOLD = "IrdeskSans-Bold"
CJK = "IrdeskCJK"

_FILES = {
    BODY: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    CJK: "WenQuanYiMicroHei.ttf",
}


def font_path(name: str) -> str:
    return str(resources.files("irdesk.resources").joinpath("fonts", _FILES[name]))


@cache
def register_fonts() -> None:
    for name in _FILES:
        pdfmetrics.registerFont(TTFont(name, font_path(name)))
    # <b> inside a paragraph in the body font picks the bold face; CJK has no bold face.
    addMapping(BODY, 0, 0, BODY)
    addMapping(BODY, 1, 0, BOLD)
    addMapping(BODY, 0, 1, BODY)
    addMapping(BODY, 1, 1, BOLD)
    addMapping(CJK, 0, 0, CJK)
    addMapping(CJK, 1, 0, CJK)
    addMapping(CJK, 0, 1, CJK)
    addMapping(CJK, 1, 1, CJK)
