"""Reading what the user dropped: files, folders and zips, as bytes with their hashes.

Everything is read up front so that parsing can fail on any file before a
single row is written, and so the provenance (name, size, SHA-256) of each
file is known. Because it all sits in memory, what is read is bounded
(`limits`): a file, a zip member, a zip, an import. Nothing is opened before
its kind is known (a FIFO would block the import forever), nothing outside a
folder is read through a link inside it, and every entry of a folder or zip
left unread is named in `skipped` for the import report.
"""

import csv
import hashlib
import json
import os
import re
import stat
import struct
import zipfile
import zlib
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path, PurePosixPath
from typing import Any, overload

import orjson

from irdesk.importers.problems import ImportProblem
from irdesk.importers.reading import json_stream
from irdesk.importers.reading.limits import (
    MAX_ARCHIVE_BYTES,
    MAX_ARCHIVE_MEMBERS,
    MAX_COMPRESSION_RATIO,
    MAX_FILE_BYTES,
    MAX_IMPORT_BYTES,
    RATIO_CHECKED_FROM_BYTES,
    STREAM_JSON_FROM_BYTES,
    megabytes,
)


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
            f"an export of at most {megabytes(MAX_FILE_BYTES)} (split larger exports into pages)",
            found=megabytes(size),
        )


class _Budget:
    """What one import has read so far, against MAX_IMPORT_BYTES."""

    def __init__(self) -> None:
        self.used = 0

    def take(self, name: str, size: int) -> None:
        if self.used + size > MAX_IMPORT_BYTES:
            raise ImportProblem(
                name,
                "",
                f"an import of at most {megabytes(MAX_IMPORT_BYTES)} in all "
                "(import the files in several goes)",
                found=f"{megabytes(self.used + size)} with this file",
            )
        self.used += size


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


def _skip(skipped: list[str], name: str, why: str) -> None:
    skipped.append(f"{name}: skipped, {why}")


NOT_AN_EXPORT = "not an export file"


def _member_skip_reason(filename: str) -> str | None:
    """Why a zip member is not read, or None when it is an export to read."""
    path = PurePosixPath(filename.replace("\\", "/"))
    if filename.startswith(("/", "\\")) or (len(filename) > 1 and filename[1] == ":"):
        return "an absolute path inside the zip"
    if ".." in path.parts:
        return "a path leading out of the zip ('..')"
    if any(part.startswith(".") or part == "__MACOSX" for part in path.parts):
        return "a hidden file (its name or folder starts with a dot, or __MACOSX)"
    if not _is_export_name(filename):
        return NOT_AN_EXPORT
    return None


def _zip_member_count(handle: Any) -> int | None:
    """The number of members the zip's end record declares, read before zipfile builds an
    entry for each; None when there is no readable end record (zipfile then says why)."""
    handle.seek(0, os.SEEK_END)
    size = handle.tell()
    tail_size = min(size, 22 + 65535 + 20)
    handle.seek(size - tail_size)
    tail = handle.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        return None
    count = struct.unpack_from("<H", tail, at + 10)[0]
    locator = at - 20
    if count == 0xFFFF and locator >= 0 and tail.startswith(b"PK\x06\x07", locator):
        # Zip64: the true count is in the zip64 end record the locator points to.
        (record,) = struct.unpack_from("<Q", tail, locator + 8)
        handle.seek(record)
        head = handle.read(40)
        if len(head) == 40 and head.startswith(b"PK\x06\x06"):
            count = struct.unpack_from("<Q", head, 32)[0]
    handle.seek(0)
    return int(count)


def _member_problem(name: str, limit: str, found: str) -> ImportProblem:
    return ImportProblem(name, "", limit, found=found)


def _ratio_limit() -> str:
    return (
        f"a zip member compressed at most {MAX_COMPRESSION_RATIO}:1 "
        "(a higher ratio is how zip bombs are made)"
    )


def _archive_limit() -> str:
    return f"a zip holding at most {megabytes(MAX_ARCHIVE_BYTES)} uncompressed in all"


def _check_declared(path: Path, members: list[zipfile.ZipInfo]) -> None:
    """Refuse a zip by what its directory declares, before a byte of it is inflated."""
    total = 0
    for info in members:
        name = f"{path}!{info.filename}"
        _check_size(name, info.file_size)
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= RATIO_CHECKED_FROM_BYTES and ratio > MAX_COMPRESSION_RATIO:
            raise _member_problem(
                name,
                _ratio_limit(),
                f"{ratio:,.0f}:1 declared ({megabytes(info.file_size)} from "
                f"{megabytes(info.compress_size)})",
            )
        total += info.file_size
        if total > MAX_ARCHIVE_BYTES:
            raise _member_problem(
                name,
                _archive_limit(),
                f"{megabytes(total)} declared up to this member",
            )


_CHUNK = 1024 * 1024


def _read_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, archive_total: int
) -> bytes:
    """One member, read a chunk at a time and checked as it comes: a directory can lie
    about sizes, so what is actually inflated is held to the same limits."""
    try:
        return _inflate(archive, info, name, archive_total)
    except RuntimeError as exc:  # zipfile's word for a member it needs a password for
        raise _member_problem(name, "a zip member without a password", str(exc)) from exc
    except (zipfile.BadZipFile, EOFError, zlib.error, OSError, ValueError) as exc:
        # zipfile itself stops at the declared size, and then the checksum fails; a damaged
        # directory sends it to seek before the file's start (OSError) or past sense.
        raise _member_problem(
            name,
            f"a zip member as its directory declares it ({info.file_size:,} bytes, "
            "with their checksum)",
            f"a damaged or altered one ({exc})",
        ) from exc


def _inflate(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, archive_total: int
) -> bytes:
    chunks = []
    read = 0
    with archive.open(info) as member:
        while chunk := member.read(_CHUNK):
            read += len(chunk)
            if read > info.file_size:
                raise _member_problem(
                    name,
                    f"a zip member of the {info.file_size:,} bytes its directory declares",
                    f"more than that ({read:,} bytes read so far)",
                )
            if read > MAX_FILE_BYTES:
                raise _member_problem(
                    name,
                    f"an export of at most {megabytes(MAX_FILE_BYTES)}",
                    f"more than that inflated ({megabytes(read)} so far)",
                )
            if archive_total + read > MAX_ARCHIVE_BYTES:
                raise _member_problem(
                    name, _archive_limit(), f"{megabytes(archive_total + read)} inflated so far"
                )
            if read >= RATIO_CHECKED_FROM_BYTES and read > MAX_COMPRESSION_RATIO * max(
                info.compress_size, 1
            ):
                raise _member_problem(
                    name,
                    _ratio_limit(),
                    f"more than that inflated ({megabytes(read)} from "
                    f"{megabytes(info.compress_size)})",
                )
            chunks.append(chunk)
    return b"".join(chunks)


def _from_zip(path: Path, handle: Any, skipped: list[str], budget: _Budget) -> list[SourceFile]:
    """The export members of the zip open as `handle` (the file already checked, never
    opened again by name), each read in turn."""
    try:
        count = _zip_member_count(handle)
        if count is not None and count > MAX_ARCHIVE_MEMBERS:
            raise ImportProblem(
                str(path),
                "",
                f"a zip of at most {MAX_ARCHIVE_MEMBERS:,} members",
                found=f"{count:,} members",
            )
        with zipfile.ZipFile(handle) as archive:
            members = []
            for info in sorted(archive.infolist(), key=lambda info: info.filename):
                if info.is_dir():
                    continue
                why = _member_skip_reason(info.filename)
                if why is None:
                    members.append(info)
                else:
                    _skip(skipped, f"{path}!{info.filename}", why)
            _check_declared(path, members)
            files = []
            total = 0
            for info in members:
                name = f"{path}!{info.filename}"
                budget.take(name, info.file_size)
                data = _read_member(archive, info, name, total)
                total += len(data)
                files.append(SourceFile(name, data))
            return files
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        EOFError,
        NotImplementedError,
        OSError,
        ValueError,
    ) as exc:
        raise ImportProblem(
            str(path), "", "a complete zip archive", found=f"a damaged one ({exc})"
        ) from exc


_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISLNK, "a symbolic link"),
)


def _kind(mode: int) -> str:
    """What a non-regular file is, in words."""
    return next((words for test, words in _KINDS if test(mode)), "not a regular file")


def _special(name: str, mode: int) -> ImportProblem:
    return ImportProblem(
        name, "", "a regular file, a folder or a zip", found=_kind(mode) + "; it was not opened"
    )


# Opening must never block (a FIFO swapped in after the check) and, inside a folder, never
# follow a link (one swapped in after the listing).
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)


# A file up to this size is read whole before it is known not to be a zip (a zip is read
# member by member instead): a small zip read twice costs nothing.
_READ_WHOLE_BYTES = 1024 * 1024


def _from_file(
    name: str, skipped: list[str], budget: _Budget, *, follow: bool = True
) -> list[SourceFile]:
    try:
        # Named by the user, a link is followed; found inside a folder, it is not. A
        # folder's entry is known to be a regular file from its listing (_folder_entries),
        # so only a named path is looked at before it is opened; either is checked again
        # once open, which catches one swapped in meanwhile.
        if follow:
            mode = os.stat(name).st_mode  # noqa: PTH116  (a str path, one of 10,000)
            if not stat.S_ISREG(mode):
                raise _special(name, mode)
        descriptor = os.open(name, _OPEN_FLAGS | (0 if follow else _NO_FOLLOW))
    except FileNotFoundError:
        raise ImportProblem(
            name, "", "an existing file or folder", found="nothing at that path"
        ) from None
    except PermissionError:
        raise ImportProblem(
            name, "", "a file irdesk may read", found="no permission to read it"
        ) from None
    except OSError as exc:
        raise ImportProblem(name, "", "a readable file", found=exc.strerror or str(exc)) from exc
    # One unbuffered handle for the size and the bytes: an export can be 10,000 pages.
    with open(descriptor, "rb", buffering=0) as handle:  # noqa: PTH123
        status = os.fstat(handle.fileno())
        if not stat.S_ISREG(status.st_mode):  # swapped between the check and the open
            raise _special(name, status.st_mode)
        _check_size(name, status.st_size)
        if status.st_size <= _READ_WHOLE_BYTES:
            # A page of an export read in one go, not its head first: 10,000 pages.
            # At most one byte past the size: a file growing meanwhile stays within the limit.
            data = handle.read(status.st_size + 1)
            head = data[: len(ZIP_MAGIC)]
        else:
            head = handle.read(len(ZIP_MAGIC))
            data = b""
        if head == ZIP_MAGIC:
            # A zip is read member by member from the file, never whole into memory.
            handle.seek(0)
            return _from_zip(Path(name), handle, skipped, budget)
        budget.take(name, status.st_size)
        if not data:
            data = head + handle.read(status.st_size - len(head) + 1)
    _check_size(name, len(data))
    return [SourceFile(name, data)]


def _folder_entries(folder: Path, skipped: list[str]) -> list[str]:
    """The regular files under `folder` in name order; everything else is listed in
    `skipped`: hidden entries, links (never followed: the folder is all that is read),
    pipes, sockets and devices.

    What `sorted(folder.rglob("*"))` would give, filtered, at a fraction of the cost: the
    directory entries say which are files without a stat of each.
    """
    found: list[str] = []
    pending = [str(folder)]
    while pending:
        with os.scandir(pending.pop()) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    what = "folder" if entry.is_dir(follow_symlinks=False) else "file"
                    _skip(skipped, entry.path, f"a hidden {what} (its name starts with a dot)")
                elif entry.is_symlink():
                    _skip(
                        skipped,
                        entry.path,
                        "a symbolic link (links inside a folder are not followed, so that "
                        "nothing outside it is read)",
                    )
                elif entry.is_dir(follow_symlinks=False):
                    pending.append(entry.path)
                elif entry.is_file(follow_symlinks=False):
                    found.append(entry.path)
                else:
                    kind = _kind(entry.stat(follow_symlinks=False).st_mode)
                    _skip(skipped, entry.path, f"{kind}, not a file; it was not opened")
    # Path's own order (by parts, case-insensitive on Windows) without building 10,000 Paths
    # to compare: Path.parts is what this avoids.
    found.sort(key=lambda name: os.path.normcase(name).split(os.sep))  # noqa: PTH206
    return found


def load_sources(paths: Iterable[Path], skipped: list[str] | None = None) -> list[SourceFile]:
    """Files as given, folders by their visible files in name order, zips by their members.

    Entries of folders and zips that are not read (README.md, images, hidden files, links,
    pipes, members with paths leading outside the zip) are appended to `skipped`, each as
    "name: skipped, why".
    """
    skipped = [] if skipped is None else skipped
    budget = _Budget()
    files: list[SourceFile] = []
    for path in paths:
        path = Path(path)
        if _is_folder(path):
            for child in _folder_entries(path, skipped):
                if _is_export_name(child):
                    files.extend(_from_file(child, skipped, budget, follow=False))
                else:
                    _skip(skipped, child, NOT_AN_EXPORT)
        else:
            files.extend(_from_file(str(path), skipped, budget))
    return files


def _is_folder(path: Path) -> bool:
    """Whether a path the user named is a folder; an ImportProblem when it is nothing."""
    try:
        return stat.S_ISDIR(path.stat().st_mode)
    except FileNotFoundError:
        raise ImportProblem(
            str(path), "", "an existing file or folder", found="nothing at that path"
        ) from None
    except OSError as exc:
        raise ImportProblem(
            str(path), "", "a readable file or folder", found=exc.strerror or str(exc)
        ) from exc


class ListedSources(Mapping[str, SourceFile]):
    """load_sources's files by name, a folder's read only when first asked for (then
    kept): for an import that writes as it reads, whose first file is parsed while the
    rest are still on disk. `names` is load_sources's order. Files named directly and
    zips are read while listing, as load_sources reads them; a folder's file that turns
    out to be a zip, or one past the import's limit, is an ImportProblem when read."""

    def __init__(self, paths: Iterable[Path], skipped: list[str] | None = None) -> None:
        skipped = [] if skipped is None else skipped
        self._budget = _Budget()
        self._read: dict[str, SourceFile] = {}
        self._listed: set[str] = set()
        self.names: list[str] = []
        for path in paths:
            path = Path(path)
            if not _is_folder(path):
                self._keep(_from_file(str(path), skipped, self._budget))
                continue
            for child in _folder_entries(path, skipped):
                if not _is_export_name(child):
                    _skip(skipped, child, NOT_AN_EXPORT)
                elif os.path.splitext(child)[1].lower() == ".zip":  # noqa: PTH122
                    self._keep(_from_file(child, skipped, self._budget, follow=False))
                else:
                    self._listed.add(child)
                    self.names.append(child)

    def _keep(self, files: list[SourceFile]) -> None:
        for file in files:
            self._read[file.name] = file
            self.names.append(file.name)

    def __getitem__(self, name: str) -> SourceFile:
        found = self._read.get(name)
        if found is not None:
            return found
        if name not in self._listed:
            raise KeyError(name)
        read = _from_file(name, [], self._budget, follow=False)
        if len(read) != 1 or read[0].name != name:
            raise ImportProblem(name, "", "an export file", found="a zip named as one")
        self._read[name] = read[0]
        return read[0]

    def in_order(self) -> Iterator[SourceFile]:
        """Every file in load_sources's order, each read as it is reached."""
        for name in self.names:
            yield self[name]

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys(self.names))

    def __len__(self) -> int:
        return len(dict.fromkeys(self.names))


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
    except RecursionError:
        # Both parsers recurse per level; orjson refuses past its limit, json runs out of
        # stack. Which level broke it says more than either.
        raise json_stream.too_deep(file.name, text) from None


def reads_as_stream(file: SourceFile) -> bool:
    """Whether `file` is large enough for its JSON arrays to be read an element at a time."""
    return file.size >= STREAM_JSON_FROM_BYTES


def load_json_streamed(file: SourceFile, *, from_bytes: int | None = None) -> Any:
    """`load_json(file)`, except that a file of at least `from_bytes` (by default
    STREAM_JSON_FROM_BYTES) has its top-level array (or the arrays of its top-level object)
    read an element at a time, as json_stream.JsonArray: for formats that take their
    records one by one."""
    if file.size < (STREAM_JSON_FROM_BYTES if from_bytes is None else from_bytes):
        return load_json(file)
    return json_stream.load_streamed(file.name, decode_text(file))


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
        except RecursionError:
            problem = json_stream.too_deep(file.name, line)
            raise ImportProblem(
                file.name,
                f"line {number}, {problem.location.split(', ')[1]}",
                problem.expected,
                found=problem.found,
            ) from None
    return records


# A line and its ending (\r\n, \r or \n), or a last line without one.
_LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+")


def load_csv(file: SourceFile) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (line number, cells) rows. Duplicate column names are kept as they are."""
    header, rows = _csv_rows(file)
    return header, list(rows)


def load_csv_streamed(file: SourceFile) -> tuple[list[str], Sequence[tuple[int, list[str]]]]:
    """`load_csv(file)`, except that a large file's rows (see reads_as_stream) are read
    once to check them and then made one at a time as they are asked for (CsvRows): a
    million rows of cells cost a gigabyte held at once."""
    if not reads_as_stream(file):
        return load_csv(file)
    header, rows = _csv_rows(file)
    starts = array("q", (start for start, _cells in rows))
    return header, CsvRows(file, starts)


class CsvRows(Sequence[tuple[int, list[str]]]):
    """The (line number, cells) rows of a large CSV file, each parsed again when it is
    asked for and not kept. Every row was read once already, so none fails here."""

    def __init__(self, file: SourceFile, starts: "array[int]") -> None:
        self._file = file
        self._starts = starts  # the line each non-blank row starts on

    def __len__(self) -> int:
        return len(self._starts)

    @overload
    def __getitem__(self, index: int) -> tuple[int, list[str]]: ...
    @overload
    def __getitem__(self, index: slice) -> list[tuple[int, list[str]]]: ...
    def __getitem__(
        self, index: int | slice
    ) -> tuple[int, list[str]] | list[tuple[int, list[str]]]:
        # By position only for a preview's first rows or a problem's place: from the start.
        if isinstance(index, slice):
            return list(islice(self, *index.indices(len(self))))
        position = range(len(self))[index]
        return next(islice(self, position, None))

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        _header, rows = _csv_rows(self._file)
        return rows


def _csv_rows(file: SourceFile) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header, and the non-blank rows as they are read (problems raised when met)."""
    text = decode_text(file, allow_legacy=True)
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    # Lines as a file opened with newline="" gives them, made one at a time: a StringIO
    # would copy the text at four bytes a character, 200 MB for a 50 MB table.
    reader = csv.reader((line.group() for line in _LINE.finditer(text)), dialect)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportProblem(file.name, "line 1", "a header row") from None
    except csv.Error as exc:
        raise ImportProblem(file.name, "line 1", "a CSV header row", found=str(exc)) from exc
    return header, _csv_cells(file.name, reader)


def _csv_cells(name: str, reader: Any) -> Iterator[tuple[int, list[str]]]:
    try:
        # A record may span lines (a comment with newlines): report where it starts.
        start = reader.line_num + 1
        for cells in reader:
            if any(cell.strip() for cell in cells):
                yield start, cells
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ImportProblem(
            name, f"line {reader.line_num}", "well-formed CSV", found=str(exc)
        ) from exc
