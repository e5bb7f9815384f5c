"""storage.files.write_atomically: whole or nothing, never through a link, never over a stranger."""

import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from irdesk.storage import files
from irdesk.storage.files import (
    PRIVATE,
    SHARED,
    FileWriteError,
    TargetExists,
    check_target,
    write_atomically,
)


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def test_a_new_file_is_written_whole_and_nothing_else_is_left(tmp_path: Path) -> None:
    target = tmp_path / "packet.pdf"
    write_atomically(target, b"%PDF-1.7 whole")
    assert target.read_bytes() == b"%PDF-1.7 whole"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["packet.pdf"]


def test_the_file_has_its_mode_from_the_first_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, umask_022: None
) -> None:
    seen: list[tuple[int, int, int]] = []
    real_open = os.open

    def watching_open(path: object, flags: int, mode: int = 0o777, **kw: object) -> int:
        handle = real_open(path, flags, mode, **kw)  # type: ignore[arg-type]
        if flags & os.O_CREAT:
            found = os.fstat(handle)
            seen.append((flags, stat.S_IMODE(found.st_mode), found.st_size))
        return handle

    monkeypatch.setattr(files.os, "open", watching_open)
    write_atomically(tmp_path / "secret.p12", b"key", mode=PRIVATE)
    write_atomically(tmp_path / "cert.pem", b"cert", mode=SHARED)
    monkeypatch.undo()
    (flags, mode, size), (_, shared_mode, _) = seen
    assert mode == 0o600 and size == 0  # private before a byte was written
    assert flags & os.O_EXCL and flags & os.O_NOFOLLOW
    assert stat.S_IMODE((tmp_path / "secret.p12").stat().st_mode) == 0o600
    assert shared_mode == 0o644 == stat.S_IMODE((tmp_path / "cert.pem").stat().st_mode)


def test_an_existing_file_is_replaced_only_when_asked(tmp_path: Path) -> None:
    target = tmp_path / "packet.pdf"
    target.write_bytes(b"left the building")
    with pytest.raises(TargetExists, match=r"packet\.pdf already exists"):
        write_atomically(target, b"new")
    assert target.read_bytes() == b"left the building"
    write_atomically(target, b"new", replace=True)
    assert target.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["packet.pdf"]


def test_a_link_planted_at_the_old_partial_name_is_left_alone(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"someone else's file")
    planted = tmp_path / ".packet.pdf.partial"
    planted.symlink_to(victim)
    write_atomically(tmp_path / "packet.pdf", b"%PDF")
    assert planted.is_symlink() and planted.readlink() == victim
    assert victim.read_bytes() == b"someone else's file"
    assert (tmp_path / "packet.pdf").read_bytes() == b"%PDF"


@pytest.mark.parametrize("replace", [False, True])
def test_a_link_fifo_or_folder_as_the_target_is_refused(tmp_path: Path, replace: bool) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"untouched")
    link = tmp_path / "link.pdf"
    link.symlink_to(victim)
    fifo = tmp_path / "fifo.pdf"
    os.mkfifo(fifo)
    folder = tmp_path / "folder.pdf"
    folder.mkdir()
    for target, kind in ((link, "a symbolic link"), (fifo, "a named pipe"), (folder, "a folder")):
        with pytest.raises(FileWriteError, match=f"{target.name} is {kind}"):
            write_atomically(target, b"x", replace=replace)
    assert link.is_symlink() and victim.read_bytes() == b"untouched"
    assert stat.S_ISFIFO(fifo.lstat().st_mode) and folder.is_dir() and not any(folder.iterdir())
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "fifo.pdf",
        "folder.pdf",
        "link.pdf",
        "victim.txt",
    ]


def test_a_device_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FileWriteError, match="/dev/null is a device"):
        check_target(Path("/dev/null"), replace=True)
    node = tmp_path / "disk.pdf"
    try:
        os.mknod(node, stat.S_IFCHR | 0o600, os.makedev(1, 3))
    except PermissionError:
        return  # not allowed to make device nodes here; /dev/null stood in above
    with pytest.raises(FileWriteError, match=r"disk\.pdf is a device"):
        write_atomically(node, b"x", replace=True)
    assert stat.S_ISCHR(node.lstat().st_mode)


@pytest.mark.parametrize("failing", ["write", "fsync", "replace"])
def test_a_failure_mid_write_leaves_no_partial_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    target = tmp_path / "packet.pdf"
    target.write_bytes(b"old")

    def disk_full(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    real_fdopen = os.fdopen

    def full_disk_file(handle: int, mode: str) -> object:
        opened = real_fdopen(handle, mode)
        opened.write = disk_full  # type: ignore[method-assign]
        return opened

    if failing == "write":
        monkeypatch.setattr(files.os, "fdopen", full_disk_file)
    elif failing == "fsync":
        monkeypatch.setattr(files.os, "fsync", disk_full)
    else:
        monkeypatch.setattr(Path, "replace", disk_full)
    with pytest.raises(FileWriteError, match=r"cannot write .*packet.pdf: No space left"):
        write_atomically(target, b"new", replace=True)
    monkeypatch.undo()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["packet.pdf"]
    assert target.read_bytes() == b"old"
