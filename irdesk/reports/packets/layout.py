"""The page furniture every packet shares: styles, header and footer, contents, signature boxes.

Every piece of user text reaches a Paragraph through `Layout.para`, which
escapes it (`text.para_text`) after the profile's redaction, and breaks words
too long for the line it will get (the text width, or a table column's).
"""

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    Image,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from irdesk.reports.packets.charts import Chart
from irdesk.reports.packets.fonts import BODY, BOLD, register_fonts
from irdesk.reports.packets.text import break_long_words, para_text, plain

PAGE = A4
PROGRESS_PAGES = 20
MARGIN = 18 * mm
TEXT_WIDTH = PAGE[0] - 2 * MARGIN
INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#52606d")
RULE = colors.HexColor("#cbd2d9")
SHADE = colors.HexColor("#f0f4f8")
# reportlab's default padding, left and right, of a frame and of a table cell: what the
# text has of the frame's width or of its column.
FRAME_PADDING = 6 + 6
CELL_PADDING = 6 + 6
# A table cell's text size, and the room a word needs beyond its own width in a column
# (the padding and a little for rounding) not to wrap.
CELL_POINTS = 8
WORD_ROOM = CELL_PADDING + 2


def column_shares(rows: list[list[str | None]]) -> list[float]:
    """Width shares for a table of text cells, header row first: each column at least as
    wide as its longest header word, so no header word breaks in two; the width left goes
    to the columns whose cells' text wants more than that, by how much more."""
    columns = range(len(rows[0]))
    floors = [
        WORD_ROOM
        + max(stringWidth(w, BOLD, CELL_POINTS) for w in (rows[0][n] or "").split() or [""])
        for n in columns
    ]
    wants = [
        max([WORD_ROOM + stringWidth(r[n] or "", BODY, CELL_POINTS) for r in rows[1:]] or [0.0])
        for n in columns
    ]
    spare = TEXT_WIDTH - sum(floors)
    more = [max(0.0, want - floor) for want, floor in zip(wants, floors, strict=True)]
    if spare <= 0 or not sum(more):
        widths = floors if spare <= 0 else [f + spare / len(floors) for f in floors]
    elif sum(more) <= spare:
        # Every column gets all it wants; what is still left is shared evenly.
        left = (spare - sum(more)) / len(floors)
        widths = [f + m + left for f, m in zip(floors, more, strict=True)]
    else:
        widths = [f + spare * m / sum(more) for f, m in zip(floors, more, strict=True)]
    return [w / sum(widths) for w in widths]


# Lines per paragraph of a long text: reportlab lays out the rest of a paragraph again
# at every page it splits, so one paragraph of 2,000 lines costs as much as 30 pages
# of them; blocks of a few dozen lines, set to read as one paragraph, cost their own.
BLOCK_LINES = 40
# The least height of a table row's part worth placing at the foot of a page.
SPLIT_ROW_POINTS = 30
# The signature fields' size on the page, in points.
SIGNATURE_WIDTH = 250
SIGNATURE_HEIGHT = 70


def _styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    body = ParagraphStyle(
        "body", fontName=BODY, fontSize=9, leading=12, textColor=INK, alignment=TA_LEFT
    )
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=7.5, leading=9.5, textColor=MUTED),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8, leading=10),
        "cellhead": ParagraphStyle("cellhead", parent=body, fontName=BOLD, fontSize=8, leading=10),
        # Hanging indent: each event's time stands out at the margin.
        "event": ParagraphStyle(
            "event",
            parent=body,
            fontSize=8,
            leading=10.5,
            spaceAfter=1.5,
            leftIndent=12,
            firstLineIndent=-12,
        ),
        "correction": ParagraphStyle(
            "correction", parent=body, fontSize=7.5, leading=9.5, leftIndent=24, textColor=MUTED
        ),
        "title": ParagraphStyle(
            "title", parent=body, fontName=BOLD, fontSize=22, leading=27, spaceAfter=6
        ),
        "subtitle": ParagraphStyle(
            "subtitle", parent=body, fontSize=12, leading=16, textColor=MUTED, spaceAfter=14
        ),
        # keepWithNext: a heading never ends a page without what it heads.
        "h1": ParagraphStyle(
            "h1",
            parent=body,
            fontName=BOLD,
            fontSize=14,
            leading=18,
            spaceBefore=6,
            spaceAfter=6,
            keepWithNext=1,
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=body,
            fontName=BOLD,
            fontSize=10.5,
            leading=14,
            spaceBefore=6,
            spaceAfter=3,
            keepWithNext=1,
        ),
        "toc": ParagraphStyle("toc", parent=body, fontSize=10, leading=16),
    }


class Heading(Paragraph):
    """A section heading: an entry in the contents and in the PDF outline."""

    def __init__(self, text: str, style: ParagraphStyle, key: str) -> None:
        super().__init__(para_text(text), style)
        self.plain_text = text
        self.key = key


@dataclass
class SignatureSlot:
    """Where a signature field goes: filled in while the page is drawn."""

    name: str
    page_index: int = -1
    box: tuple[int, int, int, int] = (0, 0, 0, 0)


class SignatureBox(Flowable):
    """A framed, labelled space on the signature page that a signature field will cover."""

    def __init__(self, slot: SignatureSlot, label: str) -> None:
        super().__init__()
        self.slot = slot
        self.label = label
        self.width = SIGNATURE_WIDTH
        self.height = SIGNATURE_HEIGHT + 14

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.setFont(BOLD, 8)
        canvas.setFillColor(MUTED)
        canvas.drawString(0, SIGNATURE_HEIGHT + 4, self.label)
        canvas.setStrokeColor(RULE)
        canvas.setDash(2, 2)
        canvas.rect(0, 0, SIGNATURE_WIDTH, SIGNATURE_HEIGHT)
        canvas.setDash()
        x, y = canvas.absolutePosition(0, 0)
        self.slot.page_index = canvas.getPageNumber() - 1
        self.slot.box = (
            round(x),
            round(y),
            round(x + SIGNATURE_WIDTH),
            round(y + SIGNATURE_HEIGHT),
        )


class ContentsEntry(Flowable):
    """One line of the contents; its page number is a form filled in once the pages are known.

    A TableOfContents needs reportlab's multiBuild, which lays every page out twice;
    a form referenced now and defined on the last page (`ContentsPageNumbers`) costs
    one layout.
    """

    def __init__(self, text: str, key: str) -> None:
        super().__init__()
        self.text = text
        self.key = key

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        return available_width, 17

    def draw(self) -> None:
        canvas = self.canv
        canvas.setFont(BODY, 10)
        canvas.setFillColor(INK)
        canvas.drawString(0, 4, self.text)
        start = canvas.stringWidth(self.text, BODY, 10) + 6
        canvas.setFillColor(RULE)
        dots = "." * max(0, int((self.width - 30 - start) / canvas.stringWidth(". ", BODY, 10)))
        canvas.drawString(start, 4, " ".join(dots))
        canvas.saveState()
        canvas.translate(self.width, 4)
        canvas.doForm(f"toc-{self.key}")
        canvas.restoreState()


class ContentsPageNumbers(Flowable):
    """Defines the contents' page-number forms; placed last, when every heading has its page."""

    def __init__(self, pages: dict[str, int]) -> None:
        super().__init__()
        self.pages = pages

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        canvas = self.canv
        for key, page in self.pages.items():
            canvas.beginForm(f"toc-{key}", lowerx=-40, lowery=-4, upperx=2, uppery=12)
            canvas.setFont(BODY, 10)
            canvas.setFillColor(INK)
            canvas.drawRightString(0, 0, str(page))
            canvas.endForm()


@dataclass
class PageFurniture:
    packet_uid: str
    classification: str
    heading: str


class PacketDocument(BaseDocTemplate):
    def __init__(self, buffer: io.BytesIO, furniture: PageFurniture, **kwargs: Any) -> None:
        super().__init__(
            buffer,
            pagesize=PAGE,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN + 6 * mm,
            bottomMargin=MARGIN + 4 * mm,
            **kwargs,
        )
        self.furniture = furniture
        self.heading_pages: dict[str, int] = {}
        # Told every PROGRESS_PAGES pages: a packet listing thousands of incidents takes
        # a while, and the window says how far it got.
        self.progress: Callable[[int], None] = lambda _page: None
        frame = Frame(
            self.leftMargin, self.bottomMargin, self.width, self.height, id="body", showBoundary=0
        )
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self._furnish)])

    def _furnish(self, canvas: Any, doc: BaseDocTemplate) -> None:
        width, height = PAGE
        canvas.saveState()
        canvas.setFont(BODY, 7.5)
        canvas.setFillColor(MUTED)
        top = height - MARGIN + 2 * mm
        canvas.drawString(MARGIN, top, plain(self.furniture.heading))
        canvas.setFont(BOLD, 7.5)
        canvas.drawRightString(width - MARGIN, top, plain(self.furniture.classification))
        canvas.setStrokeColor(RULE)
        canvas.line(MARGIN, top - 2 * mm, width - MARGIN, top - 2 * mm)
        bottom = MARGIN - 2 * mm
        canvas.line(MARGIN, bottom + 4 * mm, width - MARGIN, bottom + 4 * mm)
        canvas.setFont(BODY, 7.5)
        canvas.drawString(MARGIN, bottom, f"Packet {self.furniture.packet_uid}")
        canvas.drawCentredString(width / 2, bottom, plain(self.furniture.classification))
        canvas.drawRightString(width - MARGIN, bottom, f"Page {doc.page}")
        canvas.restoreState()
        if doc.page % PROGRESS_PAGES == 0:
            self.progress(doc.page)

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, Heading):
            level = 0 if flowable.style.name == "h1" else 1
            self.canv.bookmarkPage(flowable.key)
            self.canv.addOutlineEntry(flowable.plain_text, flowable.key, level=level)
            if level == 0:
                self.heading_pages[flowable.key] = self.page


@dataclass
class Layout:
    """Builds flowables; every text passes through `redact` and then the escaping."""

    redact: Any
    styles: dict[str, ParagraphStyle] = field(default_factory=_styles)
    _keys: int = 0

    def para(
        self,
        text: str | None,
        style: str = "body",
        *,
        redact: bool = True,
        width: float | None = None,
    ) -> Paragraph:
        """A paragraph of user text, `width` points wide (the text width by default)."""
        value = self.redact(text) if redact else (text or "")
        return Paragraph(self.text(value, style, width), self.styles[style])

    def paras(
        self, text: str | None, style: str = "body", *, redact: bool = True, head: str = ""
    ) -> list[Paragraph]:
        """User text after `head` (our markup) as one paragraph of `style` on the page.

        A text of more than BLOCK_LINES lines (once its long words are broken) becomes
        blocks of that many lines, styled so that they read as one paragraph.
        """
        value = self.redact(text) if redact else (text or "")
        chosen = self.styles[style]
        broken = break_long_words(value, self.line_width(style), chosen.fontName, chosen.fontSize)
        lines = broken.split("\n")
        if len(lines) <= BLOCK_LINES:
            return [Paragraph(head + para_text(broken), chosen)]
        blocks = ["\n".join(lines[n : n + BLOCK_LINES]) for n in range(0, len(lines), BLOCK_LINES)]
        first, middle, last = self._block_styles(style)
        out = [Paragraph(head + para_text(blocks[0]), first)]
        out += [Paragraph(para_text(block), middle) for block in blocks[1:-1]]
        return [*out, Paragraph(para_text(blocks[-1]), last)]

    def _block_styles(self, style: str) -> tuple[ParagraphStyle, ParagraphStyle, ParagraphStyle]:
        """`style` for the first, middle and last blocks of one paragraph: no space between
        them, and the lines after the first indented as the paragraph's own would be."""
        key = f"{style} blocks"
        if key not in self.styles:
            base = self.styles[style]
            self.styles[f"{key} first"] = ParagraphStyle(f"{key} first", parent=base, spaceAfter=0)
            self.styles[f"{key} last"] = ParagraphStyle(
                f"{key} last", parent=base, firstLineIndent=0, spaceBefore=0
            )
            self.styles[key] = ParagraphStyle(
                key, parent=base, firstLineIndent=0, spaceBefore=0, spaceAfter=0
            )
        return self.styles[f"{key} first"], self.styles[key], self.styles[f"{key} last"]

    def text(self, value: str | None, style: str = "body", width: float | None = None) -> str:
        """`value` escaped for a paragraph of `style`, its long words broken to fit the line."""
        chosen = self.styles[style]
        return para_text(
            value,
            width=self.line_width(style, width),
            font=chosen.fontName,
            size=chosen.fontSize,
        )

    def line_width(self, style: str, width: float | None = None) -> float:
        """The narrowest line a paragraph of `style` gets in `width` (default: the page's)."""
        chosen = self.styles[style]
        indent = chosen.leftIndent + max(chosen.firstLineIndent, 0) + chosen.rightIndent
        return (TEXT_WIDTH - FRAME_PADDING if width is None else width) - indent

    def markup(self, markup: str, style: str = "body") -> Paragraph:
        """Our own markup around already-escaped pieces (see `text.para_text`)."""
        return Paragraph(markup, self.styles[style])

    def heading(self, text: str, level: int = 1) -> Heading:
        self._keys += 1
        return Heading(text, self.styles["h1" if level == 1 else "h2"], f"s{self._keys}")

    def table(
        self,
        rows: list[list[str | None]],
        widths: list[float],
        *,
        header: bool = True,
        redact: bool = True,
        repeat: bool = True,
    ) -> Table:
        """A table of text cells; widths are shares of the text width."""
        columns = [w * TEXT_WIDTH for w in widths]
        cells = [
            [
                self.para(
                    value,
                    "cellhead" if header and r == 0 else "cell",
                    redact=redact,
                    width=column - CELL_PADDING,
                )
                for value, column in zip(row, columns, strict=True)
            ]
            for r, row in enumerate(rows)
        ]
        table = Table(
            cells,
            colWidths=columns,
            repeatRows=1 if header and repeat else 0,
            hAlign="LEFT",
            # A row taller than a page (a pasted log in an action's description) splits
            # across pages, keeping at least a few lines on each, instead of failing.
            splitInRow=SPLIT_ROW_POINTS,
        )
        style = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ]
        if header:
            style.append(("BACKGROUND", (0, 0), (-1, 0), SHADE))
        table.setStyle(TableStyle(style))
        return table

    def facts(self, pairs: list[tuple[str, str | None]], *, redact: bool = True) -> Table:
        """Label / value lines, labels in bold."""
        label_width, value_width = 0.28 * TEXT_WIDTH, 0.72 * TEXT_WIDTH
        rows = [
            [
                self.para(label, "cellhead", redact=False, width=label_width - CELL_PADDING),
                self.para(value or "—", "cell", redact=redact, width=value_width - CELL_PADDING),
            ]
            for label, value in pairs
        ]
        table = Table(rows, colWidths=[label_width, value_width], hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
                    ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
                ]
            )
        )
        return table

    def chart(self, chart: Chart) -> Image:
        scale = min(1.0, TEXT_WIDTH / (chart.width_in * 72))
        return Image(
            io.BytesIO(chart.png),
            width=chart.width_in * 72 * scale,
            height=chart.height_in * 72 * scale,
        )

    @staticmethod
    def gap(points: float = 6) -> Spacer:
        return Spacer(1, points)


def utc_text(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S UTC") if value else "—"
