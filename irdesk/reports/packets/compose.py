"""A packet's pages: cover, contents, the profile's sections, signatures, manifest.

`compose` returns the PDF from reportlab and where the signature fields go;
`assemble.py` adds the fields and the embedded manifest. Which sections appear
is the profile's choice (profiles.py); `incident_sections.py`,
`period_sections.py` and `person_sections.py` draw them. Every user string
goes through `Layout.para` (redaction, then escaping).
"""

import io
from collections.abc import Callable
from dataclasses import dataclass

from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, PageBreak

from irdesk.reports.packets.layout import (
    ContentsEntry,
    ContentsPageNumbers,
    Layout,
    PacketDocument,
    PageFurniture,
    SignatureBox,
    SignatureSlot,
)
from irdesk.reports.packets.manifest import Manifest
from irdesk.reports.packets.profiles import Profile

SIGNATURE_FIELDS = (
    ("Signature1", "Prepared and signed by"),
    ("Signature2", "Countersigned by"),
)


@dataclass(frozen=True)
class ComposedPdf:
    pdf: bytes
    slots: list[SignatureSlot]
    pages: int


@dataclass(frozen=True)
class Cover:
    title: str
    subject: str
    facts: list[tuple[str, str | None]]


def _signature_page(layout: Layout, slots: list[SignatureSlot]) -> list[Flowable]:
    out: list[Flowable] = [
        layout.para(
            "This packet is signed with PAdES digital signatures. Anyone can check them without "
            "irdesk, for example with `pdfsig` (poppler) or any PDF reader that shows signatures; "
            "`irdesk verify` reports each signature and whether the document changed after it. "
            "The countersignature is added later as an incremental update that leaves the first "
            "signature valid.",
            redact=False,
        ),
        layout.gap(16),
    ]
    for slot, (_, label) in zip(slots, SIGNATURE_FIELDS, strict=True):
        out += [SignatureBox(slot, label), layout.gap(22)]
    return out


def _manifest_page(layout: Layout, manifest: Manifest) -> list[Flowable]:
    data = manifest.data
    policy = data["policy"]
    out: list[Flowable] = [
        layout.para(
            "The same manifest is attached to this PDF as the file irdesk-manifest.json. Record "
            "hashes are SHA-256 over the records as read from the database, before redaction.",
            "small",
            redact=False,
        ),
        layout.gap(),
        layout.facts(
            [
                ("Packet ID", data["packet_id"]),
                ("Profile", data["profile"]),
                ("Subject", data["subject"]),
                ("Created", f"{data['created_at']} by {data['created_by']}"),
                ("Policy", policy["label"]),
                ("irdesk", data["irdesk_version"]),
                ("Redaction", ", ".join(data["redaction"]["rules"]) or "none"),
            ]
        ),
        layout.heading("Records exported", 2),
    ]
    rows: list[list[str | None]] = [["Records", "Count", "SHA-256"]]
    rows += [[k, str(v["count"]), v["sha256"]] for k, v in data["records"].items()]
    out.append(layout.table(rows, [0.2, 0.1, 0.7], redact=False))
    out.append(layout.heading("Imported source files", 2))
    files = data["source_files"]
    if files:
        file_rows: list[list[str | None]] = [["File", "SHA-256"]]
        file_rows += [[f["name"], f["sha256"]] for f in files]
        out.append(layout.table(file_rows, [0.35, 0.65], redact=False))
    else:
        out.append(layout.para("None: this data was entered or generated in irdesk.", redact=False))
    out.append(layout.heading("Metric definitions used", 2))
    if not data["metric_definitions"]:
        out.append(layout.para("None: this packet shows no computed figures.", redact=False))
        return out
    definition_rows: list[list[str | None]] = [["Figure", "Definition"]]
    definition_rows += [[k.replace("_", " "), v] for k, v in data["metric_definitions"].items()]
    out.append(layout.table(definition_rows, [0.25, 0.75], redact=False))
    return out


def compose(
    *,
    profile: Profile,
    layout: Layout,
    cover: Cover,
    draw_section: Callable[[str], list[Flowable]],
    manifest: Manifest,
    report: Callable[[str], None] = lambda _text: None,
) -> ComposedPdf:
    buffer = io.BytesIO()
    furniture = PageFurniture(
        packet_uid=manifest.packet_uid,
        classification=profile.classification,
        heading=f"irdesk review packet · {profile.title}",
    )
    slots = [SignatureSlot(name) for name, _ in SIGNATURE_FIELDS]
    names = [*profile.sections, "Signatures", "Data manifest"]
    headings = {name: layout.heading(name) for name in names}
    story: list[Flowable] = [
        layout.gap(60),
        layout.para(cover.title, "title", redact=False),
        layout.para(cover.subject, "subtitle"),
        layout.facts(cover.facts),
        layout.gap(24),
        layout.para("Contents", "h2", redact=False),
        *(ContentsEntry(name, headings[name].key) for name in names),
        PageBreak(),
    ]
    for section in profile.sections:
        body = draw_section(section)
        # A heading never ends a page: it travels with the first thing it heads.
        story += [CondPageBreak(90), KeepTogether([headings[section], *body[:1]])]
        story += [*body[1:], layout.gap(10)]
    story += [PageBreak(), headings["Signatures"], *_signature_page(layout, slots)]
    story += [PageBreak(), headings["Data manifest"], *_manifest_page(layout, manifest)]
    document = PacketDocument(
        buffer,
        furniture,
        title=f"{cover.title}: {cover.subject}",
        author=str(manifest.data["created_by"]),
        subject=f"Packet {manifest.packet_uid}",
        creator="irdesk",
    )
    document.progress = lambda page: report(f"Composing pages… {page} so far")
    story.append(ContentsPageNumbers(document.heading_pages))
    document.build(story)
    return ComposedPdf(pdf=buffer.getvalue(), slots=slots, pages=document.page)
