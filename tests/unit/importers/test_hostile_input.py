"""Hostile input: zip bombs, special files, links out of a folder, paths out of a zip, JSON
nested too deep, and big files read a record at a time.

Each is refused (or skipped and listed) with one located sentence, and the database is left
exactly as it was. The samples are the real exports in /work/shared/data.
"""

import json
import os
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_json_reading import JSON_VALUES
from testdata import SHARED_DATA
from testdata import database_dump as dump
from zips import write_bomb, write_zip_by_hand

from irdesk.importers.formats.base import ImportOptions
from irdesk.importers.parsing import parse_files
from irdesk.importers.pipeline import run_import
from irdesk.importers.problems import ImportProblem
from irdesk.importers.reading import json_stream, limits
from irdesk.importers.reading.sources import SourceFile, load_json, load_json_streamed, load_sources
from irdesk.storage.database import Database

PD_PAGE = SHARED_DATA / "pagerduty_incidents_page.json"
OPSGENIE_PAGE = SHARED_DATA / "opsgenie_alerts_page.json"


# --- zips --------------------------------------------------------------------------------


def test_a_zip_bomb_is_refused_by_its_directory_naming_the_member(
    database: Database, tmp_path: Path
) -> None:
    bomb = tmp_path / "bomb.zip"
    write_bomb(bomb, members=3, size=20 * limits.MB)
    before = dump(database)
    with pytest.raises(ImportProblem) as error:
        run_import(database, [bomb])
    message = str(error.value)
    assert message.startswith(f"{bomb}!part-00.json: expected a zip member compressed at most")
    assert "100:1" in message and "declared" in message
    assert dump(database) == before


def test_a_zip_over_its_total_is_refused_at_the_member_that_crosses_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages = {f"page-{n}.json": PD_PAGE.read_bytes() for n in range(3)}
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in pages.items():
            out.writestr(name, data)
    size = len(PD_PAGE.read_bytes())
    monkeypatch.setattr("irdesk.importers.reading.sources.MAX_ARCHIVE_BYTES", 2 * size + 1)
    with pytest.raises(ImportProblem, match=r"page-2\.json: expected a zip holding at most"):
        load_sources([archive])


def test_an_import_over_its_total_is_refused_at_the_file_that_crosses_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    for n in range(3):
        (folder / f"page-{n}.json").write_bytes(PD_PAGE.read_bytes())
    size = len(PD_PAGE.read_bytes())
    monkeypatch.setattr("irdesk.importers.reading.sources.MAX_IMPORT_BYTES", 2 * size + 1)
    with pytest.raises(ImportProblem) as error:
        load_sources([folder])
    assert str(error.value).startswith(
        f"{folder / 'page-2.json'}: expected an import of at most {2 * size + 1:,} bytes in all"
    )


def test_a_zip_whose_directory_understates_a_member_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "liar.zip"
    data = PD_PAGE.read_bytes()
    write_zip_by_hand(archive, {"page.json": data}, declared=1000)
    with pytest.raises(ImportProblem) as error:
        load_sources([archive])
    # What is inflated is held to what was declared: 1,000 bytes, never the rest.
    assert str(error.value).startswith(
        f"{archive}!page.json: expected a zip member as its directory declares it (1,000 bytes"
    )


def test_a_zip_of_too_many_members_is_refused_before_they_are_listed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = tmp_path / "many.zip"
    write_zip_by_hand(archive, {f"{n}.json": b"[]" for n in range(11)})
    monkeypatch.setattr("irdesk.importers.reading.sources.MAX_ARCHIVE_MEMBERS", 10)
    with pytest.raises(ImportProblem, match="expected a zip of at most 10 members, found '11"):
        load_sources([archive])


def test_a_folders_zip_and_its_page_past_a_megabyte_are_read_as_they_are(
    tmp_path: Path,
) -> None:
    # A small file is read in one go before it is known not to be a zip, a large one head
    # first: either way a zip beside the pages is read member by member, and a page is
    # read byte for byte. Samples: pagerduty_incidents_page.json, opsgenie_alerts_page.json.
    folder = tmp_path / "export"
    folder.mkdir()
    big = PD_PAGE.read_bytes() + b" " * (1024 * 1024)  # JSON may end in blanks
    (folder / "a-big.json").write_bytes(big)
    (folder / "b-small.json").write_bytes(PD_PAGE.read_bytes())
    with zipfile.ZipFile(folder / "c-pages.zip", "w") as zf:
        zf.write(OPSGENIE_PAGE, "alerts.json")
    files = load_sources([folder])
    assert [f.name for f in files] == [
        str(folder / "a-big.json"),
        str(folder / "b-small.json"),
        f"{folder / 'c-pages.zip'}!alerts.json",
    ]
    assert [f.data for f in files] == [big, PD_PAGE.read_bytes(), OPSGENIE_PAGE.read_bytes()]
    parsed = parse_files([folder], ImportOptions())
    assert [(len(p.incidents), p.format) for p in parsed] == [
        (26, "pagerduty"),
        (26, "pagerduty"),
        (1, "opsgenie"),
    ]


def test_zip_members_leading_outside_or_hidden_are_listed_and_skipped(
    database: Database, tmp_path: Path
) -> None:
    archive = tmp_path / "export.zip"
    page = PD_PAGE.read_bytes()
    write_zip_by_hand(
        archive,
        {
            "pages/incidents.json": page,
            "/etc/passwd.json": b"[]",
            "../outside.json": b"[]",
            "pages/../../up.json": b"[]",
            ".secret.json": b"[]",
            "__MACOSX/pages/._incidents.json": b"[]",
            "notes.txt": b"hello",
        },
    )
    report = run_import(database, [archive])
    assert report.count("new") == 26
    assert [f.name for f in report.files] == [f"{archive}!pages/incidents.json"]
    skipped = sorted(w for w in report.warnings if ": skipped, " in w)
    assert skipped == sorted(
        [
            f"{archive}!/etc/passwd.json: skipped, an absolute path inside the zip",
            f"{archive}!../outside.json: skipped, a path leading out of the zip ('..')",
            f"{archive}!pages/../../up.json: skipped, a path leading out of the zip ('..')",
            f"{archive}!.secret.json: skipped, a hidden file (its name or folder starts with "
            "a dot, or __MACOSX)",
            f"{archive}!__MACOSX/pages/._incidents.json: skipped, a hidden file (its name or "
            "folder starts with a dot, or __MACOSX)",
            f"{archive}!notes.txt: skipped, not an export file",
        ]
    )


# --- special files, hidden files, links --------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_fifo_named_for_import_is_refused_without_opening_it(
    database: Database, tmp_path: Path
) -> None:
    pipe = tmp_path / "export.json"
    os.mkfifo(pipe)
    before = dump(database)
    # Opening it for reading would wait for a writer forever: the test would hang.
    with pytest.raises(ImportProblem) as error:
        run_import(database, [pipe])
    assert str(error.value) == (
        f"{pipe}: expected a regular file, a folder or a zip, "
        "found 'a named pipe (FIFO); it was not opened'"
    )
    assert dump(database) == before


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="needs a device file")
def test_a_device_named_for_import_is_refused() -> None:
    with pytest.raises(ImportProblem, match="a character device; it was not opened"):
        load_sources([Path("/dev/null")])


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes and links are POSIX")
def test_special_hidden_and_linked_entries_of_a_folder_are_listed_and_never_read(
    database: Database, tmp_path: Path
) -> None:
    outside = tmp_path / "private"
    outside.mkdir()
    (outside / "secret.json").write_bytes(PD_PAGE.read_bytes())
    folder = tmp_path / "export"
    (folder / ".git").mkdir(parents=True)
    (folder / ".git" / "config.json").write_text("{}")
    (folder / "incidents.json").write_bytes(OPSGENIE_PAGE.read_bytes())
    (folder / ".draft.json").write_text("{}")
    os.mkfifo(folder / "pipe.json")
    (folder / "linked.json").symlink_to(outside / "secret.json")
    (folder / "linked-folder").symlink_to(outside, target_is_directory=True)
    report = run_import(database, [folder])
    # Only the Opsgenie page was read: nothing from outside the folder through its links.
    assert [f.name for f in report.files] == [str(folder / "incidents.json")]
    assert report.count("new") == 1
    link_note = (
        "a symbolic link (links inside a folder are not followed, so that nothing outside "
        "it is read)"
    )
    assert sorted(w for w in report.warnings if ": skipped, " in w) == sorted(
        [
            f"{folder / '.git'}: skipped, a hidden folder (its name starts with a dot)",
            f"{folder / '.draft.json'}: skipped, a hidden file (its name starts with a dot)",
            f"{folder / 'pipe.json'}: skipped, a named pipe (FIFO), not a file; it was not opened",
            f"{folder / 'linked.json'}: skipped, {link_note}",
            f"{folder / 'linked-folder'}: skipped, {link_note}",
        ]
    )


def test_a_link_named_by_the_user_is_followed(database: Database, tmp_path: Path) -> None:
    link = tmp_path / "latest.json"
    link.symlink_to(PD_PAGE)
    assert run_import(database, [link]).count("new") == 26


# --- JSON depth ----------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_json_nested_100000_deep_is_a_located_problem(
    database: Database, tmp_path: Path, suffix: str
) -> None:
    deep = tmp_path / f"deep{suffix}"
    deep.write_text('{"a":' * 100_000 + "1" + "}" * 100_000 + "\n")
    before = dump(database)
    with pytest.raises(ImportProblem) as error:
        run_import(database, [deep])
    assert str(error.value) == (
        f"{deep}, line 1, column {5 * limits.MAX_JSON_DEPTH + 1}: expected JSON nested at most "
        f"{limits.MAX_JSON_DEPTH:,} levels deep, found 'more than {limits.MAX_JSON_DEPTH:,} "
        "levels'"
    )
    assert dump(database) == before


def test_json_as_deep_as_the_limit_is_read() -> None:
    depth = limits.MAX_JSON_DEPTH
    data = ("[" * depth + "]" * depth).encode()
    assert load_json(SourceFile("deep.json", data)) is not None


def test_a_deep_element_of_a_streamed_array_is_a_located_problem() -> None:
    data = ("[1, " + "[" * 100_000 + "]" * 100_000 + "]").encode()
    with pytest.raises(ImportProblem, match=r"deep\.json, line 1, column \d+: expected JSON"):
        load_json_streamed(SourceFile("deep.json", data), from_bytes=0)


# --- reading a big file a record at a time ---------------------------------------------------


def _sample_files() -> list[Path]:
    return sorted(
        path for path in SHARED_DATA.iterdir() if path.is_file() and path.suffix == ".json"
    )


@pytest.mark.parametrize("path", _sample_files(), ids=lambda path: path.name)
def test_the_streamed_reading_of_every_sample_is_what_json_load_gives(path: Path) -> None:
    file = SourceFile(path.name, path.read_bytes())
    streamed = load_json_streamed(file, from_bytes=0)
    assert json_stream.materialised(streamed) == json.loads(path.read_text(encoding="utf-8-sig"))


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('{"incidents": [{"id": 1}, {"id": 2', "cut short"),
        ('{"incidents": [{"id": 1} {"id": 2}]}', "Expecting ',' delimiter"),
        ('{"incidents": [], "more": tru}', "Expecting value"),
        ("[1, 2] 3", "Extra data"),
        ('{"a" 1}', "Expecting ':' delimiter"),
        ("{1: 2}", "Expecting property name"),
    ],
)
def test_bad_json_read_as_a_stream_is_located(text: str, where: str) -> None:
    with pytest.raises(ImportProblem, match=r"page\.json, line 1, column \d+: expected valid"):
        load_json_streamed(SourceFile("page.json", text.encode()), from_bytes=0)
    with pytest.raises(ImportProblem, match=where):
        load_json_streamed(SourceFile("page.json", text.encode()), from_bytes=0)


def test_a_streamed_array_reads_like_a_list() -> None:
    items = load_json_streamed(SourceFile("a.json", b' [ {"a": 1}, [2], "x" ] '), from_bytes=0)
    assert isinstance(items, json_stream.JsonArray)
    assert len(items) == 3 and items[0] == {"a": 1} and items[-1] == "x"
    assert items[1:] == [[2], "x"] and list(items) == [{"a": 1}, [2], "x"]
    assert json_stream.is_array(items) and json_stream.is_array([])


@pytest.mark.parametrize("sample", [PD_PAGE, OPSGENIE_PAGE], ids=lambda p: p.name)
def test_a_page_read_as_a_stream_parses_as_read_whole(
    monkeypatch: pytest.MonkeyPatch, sample: Path
) -> None:
    whole = parse_files([sample], ImportOptions())
    # Every file read as a large one: the formats get JsonArrays, not lists.
    monkeypatch.setattr("irdesk.importers.reading.sources.STREAM_JSON_FROM_BYTES", 0)
    streamed = parse_files([sample], ImportOptions())
    assert streamed == whole
    assert whole[0].incidents


def test_a_table_of_ones_own_read_as_a_stream_parses_as_read_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from test_generic import JSON_FILE, JSON_MAPPING

    options = ImportOptions(column_mapping=JSON_MAPPING, format="csv")
    whole = parse_files([JSON_FILE], options)
    monkeypatch.setattr("irdesk.importers.reading.sources.STREAM_JSON_FROM_BYTES", 0)
    streamed = parse_files([JSON_FILE], options)
    assert streamed == whole
    assert len(whole[0].incidents) > 1


@given(
    JSON_VALUES,
    st.sampled_from([(",", ":"), (", ", ": "), (" ,\n", " :\t")]),
    st.sampled_from(["", " ", "\n\t ", "\ufeff"]),
)
def test_any_json_read_as_a_stream_is_what_json_loads_gives(
    value: Any, separators: tuple[str, str], around: str
) -> None:
    text = around + json.dumps({"items": [value, value], "more": value}, separators=separators)
    streamed = load_json_streamed(
        SourceFile("x.json", (text + around.strip("\ufeff")).encode()), from_bytes=0
    )
    assert json_stream.materialised(streamed) == json.loads(text.lstrip("\ufeff"))


@given(st.binary(max_size=3), st.integers(min_value=0, max_value=40))
def test_damaged_json_fails_as_a_stream_exactly_when_it_fails_whole(
    payload: bytes, position: int
) -> None:
    page = b'{"incidents": [{"id": "P1", "n": [1, 2]}, {"id": "P2"}], "more": false}'
    data = page[:position] + payload + page[position + len(payload) :]
    file = SourceFile("page.json", data)
    try:
        whole = load_json(file)
    except ImportProblem:
        with pytest.raises(ImportProblem):
            load_json_streamed(file, from_bytes=0)
    else:
        assert json_stream.materialised(load_json_streamed(file, from_bytes=0)) == whole
