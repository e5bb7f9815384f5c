"""Reading what the user dropped: files, folders and zips, as bytes with their hashes.

Everything is read up front so that parsing can fail on any file before a
single row is written, and so the provenance (name, size, SHA-256) of each
file is known.
"""

import csv
import hashlib
import io
import json
import os
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from irdesk.importers.problems import ImportProblem

# A single export beyond this is almost certainly not an incident export; refusing it
# early keeps a mistaken drop (a disk image, a database dump) from exhausting memory.
MAX_FILE_BYTES = 100 * 1024 * 1024


@dataclass(frozen=True)
class SourceFile:
    name: str  # as shown to the user: "export.zip!page-2.json"
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def suffix(self) -> str:
        return Path(self.name.rsplit("!", 1)[-1]).suffix.lower()


def _check_size(name: str, size: int) -> None:
    if size == 0:
        raise ImportProblem(
            name, "", "an export file with content", found="an empty file (0 bytes)"
        )
    if size > MAX_FILE_BYTES:
        raise ImportProblem(
            name,
            "",
            f"an export of at most {MAX_FILE_BYTES // (1024 * 1024)} MB (split larger exports into pages)",
            found=f"{size / (1024 * 1024):.0f} MB",
        )


ZIP_MAGIC = b"PK\x03\x04"
# Inside a folder or zip, only these are taken as exports; a README or a screenshot
# beside the pages is skipped (and reported), not an error. A file named directly is
# always read, whatever its name.
EXPORT_SUFFIXES = frozenset(
    {".json", ".jsonl", ".ndjson", ".csv", ".tsv", ".zip", ".yaml", ".yml"}  # yaml: Backstage
)


def _is_export_name(name: str) -> bool:
    # os.path rather than Path: this runs for each of up to 10,000 pages.
    return os.path.splitext(name)[1].lower() in EXPORT_SUFFIXES  # noqa: PTH122


def _from_zip(path: Path, data: bytes, skipped: list[str]) -> list[SourceFile]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = sorted(
                (
                    info
                    for info in archive.infolist()
                    if not info.is_dir()
                    and not Path(info.filename).name.startswith((".", "__MACOSX"))
                ),
                key=lambda info: info.filename,
            )
            files = []
            for info in members:
                name = f"{path}!{info.filename}"
                if not _is_export_name(info.filename):
                    skipped.append(name)
                    continue
                _check_size(name, info.file_size)
                files.append(SourceFile(name, archive.read(info)))
            return files
    except (zipfile.BadZipFile, EOFError) as exc:
        raise ImportProblem(
            str(path), "", "a complete zip archive", found=f"a damaged one ({exc})"
        ) from exc


def _from_file(name: str, skipped: list[str]) -> list[SourceFile]:
    try:
        # One unbuffered open for the size and the bytes: an export can be 10,000 pages.
        with open(name, "rb", buffering=0) as handle:  # noqa: PTH123
            _check_size(name, os.fstat(handle.fileno()).st_size)
            data = handle.readall()
    except FileNotFoundError:
        raise ImportProblem(
            name, "", "an existing file or folder", found="nothing at that path"
        ) from None
    if data.startswith(ZIP_MAGIC):
        return _from_zip(Path(name), data, skipped)
    return [SourceFile(name, data)]


def _visible_files(folder: Path) -> list[str]:
    """The files under `folder` in name order, leaving out hidden files and folders.

    What `sorted(folder.rglob("*"))` would give, filtered, at a fraction of the cost: the
    directory entries say which are files without a stat of each.
    """
    found: list[str] = []
    pending = [str(folder)]
    while pending:
        with os.scandir(pending.pop()) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir() and not entry.is_symlink():  # as rglob: no symlinked folders
                    pending.append(entry.path)
                elif entry.is_file():
                    found.append(entry.path)
    # Path's own order (by parts, case-insensitive on Windows) without building 10,000 Paths
    # to compare: Path.parts is what this avoids.
    found.sort(key=lambda name: os.path.normcase(name).split(os.sep))  # noqa: PTH206
    return found


def load_sources(paths: Iterable[Path], skipped: list[str] | None = None) -> list[SourceFile]:
    """Files as given, folders by their visible files in name order, zips by their members.

    Names of files inside folders and zips that are not exports (README.md, images) are
    appended to `skipped` instead of being read.
    """
    skipped = [] if skipped is None else skipped
    files: list[SourceFile] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            for child in _visible_files(path):
                if _is_export_name(child):
                    files.extend(_from_file(child, skipped))
                else:
                    skipped.append(child)
        else:
            files.extend(_from_file(str(path), skipped))
    return files


def decode_text(file: SourceFile, *, allow_legacy: bool = False) -> str:
    """UTF-8 (a byte-order mark is dropped); Windows-1252 for spreadsheet exports if allowed."""
    if b"\x00" in file.data[:4096]:
        raise ImportProblem(file.name, "", "a text export (JSON or CSV)", found="binary data")
    try:
        return file.data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if allow_legacy:
            try:
                return file.data.decode("cp1252")
            except UnicodeDecodeError:
                pass
        line = file.data[: exc.start].count(b"\n") + 1
        raise ImportProblem(
            file.name, f"line {line}", "UTF-8 text", found=f"byte 0x{file.data[exc.start]:02x}"
        ) from exc


# Every digit as "0", so one substring search finds a run of 19 digits anywhere.
_DIGITS_AS_ZERO = bytes(ord("0") if chr(i).isdigit() and i < 128 else i for i in range(256))
_LONG_NUMBER = b"0" * 19


def _fast_json(data: bytes) -> Any:
    """orjson's reading of `data`, or _NOT_FAST when json must read it.

    orjson reads UTF-8 JSON faster than json, and a large import is mostly JSON to read. It
    refuses a BOM, NaN, bad bytes and bad JSON, and json below reads those as it always
    did and locates what it cannot. But it turns integers beyond 64 bits into floats,
    losing digits, so text with 19 digits in a row (beyond 2**63 needs that many) goes
    to json too.
    """
    if _LONG_NUMBER in data.translate(_DIGITS_AS_ZERO):
        return _NOT_FAST
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return _NOT_FAST


_NOT_FAST = object()


def load_json(file: SourceFile) -> Any:
    data = _fast_json(file.data)
    if data is not _NOT_FAST:
        return data
    text = decode_text(file)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportProblem(
            file.name,
            f"line {exc.lineno}, column {exc.colno}",
            "valid JSON",
            # A download that stopped early no longer ends where JSON documents end.
            found=exc.msg
            + ("; the file seems cut short" if not text.rstrip().endswith(("}", "]")) else ""),
        ) from exc


def load_json_lines(file: SourceFile) -> list[tuple[int, Any]]:
    """(line number, object) for each non-empty line of a JSON Lines file."""
    records = []
    for number, line in enumerate(decode_text(file).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append((number, json.loads(line)))
        except json.JSONDecodeError as exc:
            raise ImportProblem(
                file.name,
                f"line {number}, column {exc.colno}",
                "one JSON object per line",
                found=exc.msg,
            ) from exc
    return records


def load_csv(file: SourceFile) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (line number, cells) rows. Duplicate column names are kept as they are."""
    text = decode_text(file, allow_legacy=True)
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportProblem(file.name, "line 1", "a header row") from None
    except csv.Error as exc:
        raise ImportProblem(file.name, "line 1", "a CSV header row", found=str(exc)) from exc
    rows = []
    try:
        # A record may span lines (a comment with newlines): report where it starts.
        start = reader.line_num + 1
        for cells in reader:
            if any(cell.strip() for cell in cells):
                rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ImportProblem(
            file.name, f"line {reader.line_num}", "well-formed CSV", found=str(exc)
        ) from exc
    return header, rows
