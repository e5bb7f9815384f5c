"""From reportlab's PDF to a packet: empty signature fields and the embedded manifest.

Both signature fields exist before anyone signs, so the countersignature only
fills a field (an allowed change after the first signature) instead of adding
one.
"""

import io

from pyhanko.pdf_utils import embed
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields

from irdesk.reports.packets.layout import SignatureSlot
from irdesk.reports.packets.manifest import MANIFEST_NAME, Manifest


def assemble(pdf: bytes, slots: list[SignatureSlot], manifest: Manifest) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    for slot in slots:
        if slot.page_index < 0:
            raise RuntimeError(f"the signature box {slot.name} was never drawn")
        fields.append_signature_field(
            writer,
            fields.SigFieldSpec(slot.name, on_page=slot.page_index, box=slot.box),
        )
    spec = embed.FileSpec(
        file_spec_string=MANIFEST_NAME,
        file_name=MANIFEST_NAME,
        embedded_data=embed.EmbeddedFileObject.from_file_data(
            writer, manifest.to_json(), mime_type="application/json"
        ),
        description="irdesk packet manifest: profile, policy, record hashes, source files",
    )
    embed.embed_file(writer, spec)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
