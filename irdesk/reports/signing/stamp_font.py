"""A Unicode font for the visible signature stamp, so names like 王伟 or Ağaoğlu print.

pyHanko's GlyphAccumulator writes glyph widths in font units, which PDF reads
as thousandths of an em: right for fonts with 1000 units per em, but our
TrueType fonts have 2048, so text would come out spread apart. This
accumulator shapes and measures in thousandths instead.
"""

import io
import logging
from pathlib import Path
from typing import Any

from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory

PDF_UNITS = 1000

# fontTools names every table it drops while subsetting; not news for our users.
logging.getLogger("fontTools.subset").setLevel(logging.ERROR)


class ThousandthsGlyphAccumulator(GlyphAccumulator):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._to_pdf = PDF_UNITS / self.units_per_em
        self.hb_font.scale = (PDF_UNITS, PDF_UNITS)
        self.units_per_em = PDF_UNITS

    def _get_cid_and_width(self, glyph_id: int) -> tuple[int, int]:
        known = self._glyphs.get(glyph_id)
        if known is not None:
            return known
        cid, width = super()._get_cid_and_width(glyph_id)
        self._glyphs[glyph_id] = result = (cid, round(width * self._to_pdf))
        return result


class StampFontFactory(GlyphAccumulatorFactory):
    def create_font_engine(self, writer: Any, obj_stream: Any = None) -> GlyphAccumulator:
        if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
            obj_stream = writer.prepare_object_stream()
        # fontTools reads tables from the handle later; a file handle would never be closed.
        handle = io.BytesIO(Path(self.font_file).read_bytes())
        return ThousandthsGlyphAccumulator(
            writer=writer,
            font_handle=handle,
            font_size=self.font_size,
            ot_script_tag=self.ot_script_tag,
            ot_language_tag=self.ot_language_tag,
            writing_direction=self.writing_direction,
            bcp47_lang_code=self.bcp47_lang_code,
            obj_stream=obj_stream,
        )
