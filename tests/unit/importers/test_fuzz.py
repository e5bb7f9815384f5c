"""Every real sample in /work/shared/data, damaged: a clean import or a located problem.

Byte flips, truncation and a duplicated slice, as a broken download, a bad disk or a
careless paste would leave them. Whatever the damage, an import either succeeds or raises
ImportProblem (never any other exception), and when it fails the database is exactly what
it was before. Examples are derandomised (tests/conftest.py's "ci" profile).
"""

import io
import zipfile
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from testdata import SHARED_DATA
from testdata import database_dump as dump

from irdesk.importers.formats.base import ImportOptions
from irdesk.importers.pipeline import run_import
from irdesk.importers.problems import ImportProblem
from irdesk.storage.database import open_database

SAMPLES = sorted(
    path for path in SHARED_DATA.iterdir() if path.is_file() and path.name != "README.md"
)
# The Jira CSV's dates carry no zone; the others ignore this.
OPTIONS = ImportOptions(zone=ZoneInfo("Europe/Madrid"))
# Opsgenie's alert logs name their alert only by the file's name; that alert is in the
# alerts page, imported first.
ALERT_LOGS = "opsgenie_alert_logs.json"
ALERT_ID = "b7da6303-0da4-43e2-8e21-9e22faedc594-1637756080926"


@st.composite
def damaged(draw: st.DrawFn, data: bytes) -> bytes:
    """`data` with one kind of damage: flipped bytes, cut short, or a slice repeated."""
    size = len(data)
    kind = draw(st.sampled_from(["flip", "truncate", "duplicate"]))
    if kind == "truncate":
        return data[: draw(st.integers(0, size - 1))]
    if kind == "flip":
        damaged = bytearray(data)
        for _ in range(draw(st.integers(1, 4))):
            at = draw(st.integers(0, size - 1))
            damaged[at] ^= draw(st.integers(1, 255))
        return bytes(damaged)
    start = draw(st.integers(0, size - 1))
    end = draw(st.integers(start + 1, min(size, start + 512)))
    at = draw(st.integers(0, size))
    return data[:at] + data[start:end] + data[at:]


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda path: path.name)
def test_damaged_samples_import_cleanly_or_fail_located(
    tmp_path_factory: pytest.TempPathFactory, sample: Path
) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    db = open_database(folder / "irdesk.db")
    original = sample.read_bytes()
    mutant = folder / (f"{ALERT_ID}.json" if sample.name == ALERT_LOGS else sample.name)
    if sample.name == ALERT_LOGS:
        run_import(db, [SHARED_DATA / "opsgenie_alerts_page.json"], OPTIONS)
    # The undamaged file first, so that a failed import has something to leave alone.
    mutant.write_bytes(original)
    run_import(db, [mutant], OPTIONS)

    @settings(
        max_examples=60,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=damaged(original))
    def check(data: bytes) -> None:
        mutant.write_bytes(data)
        before = dump(db)
        try:
            run_import(db, [mutant], OPTIONS)
        except ImportProblem as problem:
            assert problem.file.startswith(str(mutant))
            assert problem.expected
            assert dump(db) == before

    try:
        check()
    finally:
        db.close()


def _zip_of_samples() -> bytes:
    """The samples that read on their own, in one zip as an export tool would pack them."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for sample in SAMPLES:
            if sample.name != ALERT_LOGS:
                archive.writestr(f"export/{sample.name}", sample.read_bytes())
    return out.getvalue()


def test_a_damaged_zip_of_the_samples_imports_cleanly_or_fails_located(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    folder = tmp_path_factory.mktemp("fuzz-zip")
    db = open_database(folder / "irdesk.db")
    original = _zip_of_samples()
    mutant = folder / "export.zip"
    mutant.write_bytes(original)
    run_import(db, [mutant], OPTIONS)

    @settings(
        max_examples=60,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=damaged(original))
    def check(data: bytes) -> None:
        mutant.write_bytes(data)
        before = dump(db)
        try:
            run_import(db, [mutant], OPTIONS)
        except ImportProblem as problem:
            assert problem.file.startswith(str(mutant))
            assert dump(db) == before

    try:
        check()
    finally:
        db.close()
