"""The desktop integration in packaging/: menu entry, file type, AppStream metadata, icons.

Checked offline. The validators (desktop-file-validate, appstreamcli, shared-mime-info,
gio) are used where installed and skipped, with the reason, where not.
"""

import configparser
import os
import shutil
import sqlite3
import struct
import subprocess
import time
import xml.etree.ElementTree as ET
from contextlib import closing
from pathlib import Path

import pytest

from irdesk import __version__
from irdesk.storage import schema
from irdesk.storage.database import open_database
from irdesk.storage.inspection import SQLITE_HEADER

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
DESKTOP = PACKAGING / "irdesk.desktop"
APP_ID = "io.github.irdesk.irdesk"
METAINFO = PACKAGING / f"{APP_ID}.metainfo.xml"
MIME_XML = PACKAGING / f"{APP_ID}.mime.xml"
INSTALL = PACKAGING / "install_desktop.sh"
ICON_THEME = ROOT / "resources" / "icons" / "hicolor"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)
MIME_NS = "{http://www.freedesktop.org/standards/shared-mime-info}"
MIME_TYPE = "application/x-irdesk-database"


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=60, check=False, env=env)


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} is not installed")
    return path


class DesktopEntryParser(configparser.ConfigParser):
    """Desktop-entry keys are case-sensitive; configparser lowercases them by default."""

    def optionxform(self, optionstr: str) -> str:
        return optionstr


def desktop_entry() -> configparser.SectionProxy:
    parser = DesktopEntryParser(interpolation=None, comment_prefixes=("#",))
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


def listed(value: str) -> list[str]:
    """A desktop-entry list: items each ended by a semicolon."""
    assert value.endswith(";"), f"{value!r} must end with ';'"
    return value[:-1].split(";")


# The menu entry


def test_the_desktop_entry_has_the_keys_a_menu_needs() -> None:
    entry = desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Name"] == "irdesk"
    assert entry["Icon"] == "irdesk"
    assert entry["TryExec"] == "irdesk"
    assert entry["Terminal"] == "false"
    assert entry["StartupWMClass"] == "irdesk"
    assert "%f" in entry["Exec"].split()
    assert listed(entry["MimeType"]) == [MIME_TYPE]
    assert "Office" in listed(entry["Categories"])
    assert listed(entry["Keywords"])


def test_desktop_file_validate_accepts_the_entry() -> None:
    result = run(need("desktop-file-validate"), str(DESKTOP))
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


@pytest.mark.slow
@pytest.mark.parametrize(
    ("files", "expected"),
    [([], []), (["/tmp/q3 reviews.db"], ["--db", "/tmp/q3 reviews.db"])],
    ids=["from the menu", "a file opened with irdesk"],
)
def test_the_launcher_passes_a_file_with_db_and_nothing_otherwise(
    tmp_path: Path, files: list[str], expected: list[str]
) -> None:
    """A desktop launches the entry (GIO's own Exec parsing) and a stand-in irdesk records its
    arguments: `irdesk --db FILE` for a file, plain `irdesk` from the menu."""
    gio = need("gio")
    usage = run(gio, "help")
    if " launch " not in usage.stdout + usage.stderr:
        pytest.skip("this gio cannot launch desktop files (GLib < 2.67)")
    record = tmp_path / "arguments"
    stand_in = tmp_path / "bin" / "irdesk"
    stand_in.parent.mkdir()
    stand_in.write_text(
        "#!/bin/sh\n"
        f'for arg in "$@"; do printf "%s\\n" "$arg"; done > "{record}.part"\n'
        f'mv "{record}.part" "{record}"\n'
    )
    stand_in.chmod(0o755)
    env = {**os.environ, "PATH": f"{stand_in.parent}{os.pathsep}{os.environ['PATH']}"}

    result = run(gio, "launch", str(DESKTOP), *files, env=env)

    assert result.returncode == 0, result.stderr
    for _ in range(100):  # gio returns once launched, not once the program ends
        if record.exists():
            break
        time.sleep(0.05)
    assert record.read_text().splitlines() == expected


# The file type


def mime_type() -> ET.Element:
    element = ET.parse(MIME_XML).getroot().find(f"{MIME_NS}mime-type")
    assert element is not None
    return element


def magic_matches(path: Path) -> bool:
    """The declared magic, applied the way shared-mime-info applies it (nested: both)."""
    outer = mime_type().find(f"{MIME_NS}magic/{MIME_NS}match")
    assert outer is not None
    inner = outer.find(f"{MIME_NS}match")
    assert inner is not None and outer.get("type") == "string" and inner.get("type") == "big32"
    header = path.read_bytes()[:100]
    text = outer.get("value", "").replace("\\0", "\0").encode()
    at = int(outer.get("offset", ""))
    number_at = int(inner.get("offset", ""))
    (number,) = struct.unpack(">I", header[number_at : number_at + 4])
    return header[at : at + len(text)] == text and number == int(inner.get("value", ""), 16)


def test_the_file_type_is_sqlite_told_apart_by_irdesk_s_application_id() -> None:
    declared = mime_type()
    assert declared.get("type") == MIME_TYPE
    parent = declared.find(f"{MIME_NS}sub-class-of")
    assert parent is not None and parent.get("type") == "application/vnd.sqlite3"
    assert declared.find(f"{MIME_NS}glob") is None, "no file name is true of irdesk files only"
    outer = declared.find(f"{MIME_NS}magic/{MIME_NS}match")
    assert outer is not None
    assert outer.get("value", "").replace("\\0", "\0").encode() == SQLITE_HEADER
    inner = outer.find(f"{MIME_NS}match")
    assert inner is not None and int(inner.get("value", ""), 16) == schema.APPLICATION_ID


def test_the_magic_matches_an_irdesk_database_and_no_other_sqlite_file(tmp_path: Path) -> None:
    ours = open_database(tmp_path / "team.db")
    ours.close()
    theirs = tmp_path / "other.db"
    with closing(sqlite3.connect(theirs)) as conn, conn:
        conn.execute("CREATE TABLE notes (text TEXT)")
    conn.close()

    assert magic_matches(ours.path)
    assert not magic_matches(theirs)


@pytest.mark.slow
def test_shared_mime_info_and_gio_recognise_irdesk_files_by_content(tmp_path: Path) -> None:
    update = need("update-mime-database")
    gio = need("gio")
    data = tmp_path / "share"
    (data / "mime" / "packages").mkdir(parents=True)
    shutil.copy(MIME_XML, data / "mime" / "packages" / f"{APP_ID}.xml")
    assert run(update, str(data / "mime")).returncode == 0
    ours = open_database(tmp_path / "q3 reviews.db")
    ours.close()
    theirs = tmp_path / "browser-history.db"
    with closing(sqlite3.connect(theirs)) as conn, conn:
        conn.execute("CREATE TABLE visits (url TEXT)")
    conn.close()
    env = {**os.environ, "XDG_DATA_HOME": str(data), "XDG_DATA_DIRS": "/usr/share"}

    def content_type(path: Path) -> str:
        result = run(gio, "info", "--attributes=standard::content-type", str(path), env=env)
        assert result.returncode == 0, result.stderr
        return result.stdout.rsplit("standard::content-type:", 1)[1].strip()

    assert content_type(ours.path) == MIME_TYPE
    assert content_type(theirs) == "application/vnd.sqlite3"


# The AppStream metadata


def metainfo() -> ET.Element:
    return ET.parse(METAINFO).getroot()


def test_the_metainfo_names_this_release_the_entry_and_the_file_type() -> None:
    component = metainfo()
    assert component.get("type") == "desktop-application"
    assert component.findtext("id") == APP_ID
    assert component.findtext("launchable[@type='desktop-id']") == DESKTOP.name
    assert component.findtext("provides/binary") == "irdesk"
    assert component.findtext("provides/mediatype") == MIME_TYPE
    assert component.find("content_rating[@type='oars-1.1']") is not None
    versions = [release.get("version") for release in component.iter("release")]
    assert versions[0] == __version__, "the newest release comes first and is this version"


def test_the_metainfo_screenshots_are_the_readme_s() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    images = [image.text or "" for image in metainfo().iter("image")]
    assert images
    for url in images:
        local = url.split("/main/", 1)[1]
        assert (ROOT / local).is_file(), f"{url}: no {local} in the repository"
        assert f"({local})" in readme, f"{local} is not a screenshot of the README"


def test_appstreamcli_validates_the_metainfo_offline_and_pedantically() -> None:
    result = run(need("appstreamcli"), "validate", "--no-net", "--pedantic", str(METAINFO))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Validation was successful." in result.stdout
    assert "I:" not in result.stdout and "W:" not in result.stdout, result.stdout


# The icons


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", f"{path} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.parametrize("size", ICON_SIZES)
def test_the_icon_exists_at_every_hicolor_size(size: int) -> None:
    path = ICON_THEME / f"{size}x{size}" / "apps" / "irdesk.png"
    assert path.is_file(), "run packaging/render_icons.py"
    assert png_size(path) == (size, size)


def test_the_scalable_icon_is_an_svg() -> None:
    root = ET.parse(ROOT / "resources" / "irdesk.svg").getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"


# Installing


@pytest.mark.slow
def test_the_install_script_puts_every_file_where_the_desktop_looks(tmp_path: Path) -> None:
    data = tmp_path / "usr" / "share"
    env = {**os.environ, "IRDESK_EXEC": "/opt/irdesk/irdesk"}

    result = run("bash", str(INSTALL), str(data), env=env)

    assert result.returncode == 0, result.stderr
    installed = data / "applications" / "irdesk.desktop"
    assert "TryExec=/opt/irdesk/irdesk" in installed.read_text(encoding="utf-8")
    assert "exec /opt/irdesk/irdesk ${1:+" in installed.read_text(encoding="utf-8").replace(
        "\\\\", ""
    )
    assert (data / "mime" / "packages" / f"{APP_ID}.xml").is_file()
    assert (data / "metainfo" / f"{APP_ID}.metainfo.xml").is_file()
    assert (data / "icons" / "hicolor" / "scalable" / "apps" / "irdesk.svg").is_file()
    for size in ICON_SIZES:
        assert png_size(data / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "irdesk.png") == (
            size,
            size,
        )
    if shutil.which("appstreamcli"):  # the tree: the metainfo finds its desktop entry
        tree = run("appstreamcli", "validate-tree", "--no-net", "--pedantic", str(tmp_path))
        assert tree.returncode == 0, tree.stdout + tree.stderr

    removed = run("bash", str(INSTALL), "--uninstall", str(data), env=env)

    assert removed.returncode == 0, removed.stderr
    assert not installed.exists()
    assert not list(data.rglob("irdesk.png"))
