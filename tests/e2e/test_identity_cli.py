"""`irdesk identity create`: the key file is private from its first byte, and never lands elsewhere."""

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from irdesk.cli.main import main
from irdesk.storage import files


@pytest.fixture(autouse=True)
def passphrase_and_umask(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("IRDESK_PASSPHRASE", "a long enough phrase")
    old = os.umask(0o022)  # the usual one, which leaves new files readable by everyone
    try:
        yield
    finally:
        os.umask(old)


def _create(path: Path, *extra: str) -> int:
    return main(["identity", "create", str(path), "--name", "Zoë Ñúñez", *extra])


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def test_the_key_file_is_private_from_its_first_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    created: dict[str, tuple[int, int]] = {}
    real_open = os.open

    def watching_open(path: object, flags: int, mode: int = 0o777, **kw: object) -> int:
        handle = real_open(path, flags, mode, **kw)  # type: ignore[arg-type]
        if flags & os.O_CREAT:
            found = os.fstat(handle)
            created[Path(str(path)).name] = (stat.S_IMODE(found.st_mode), found.st_size)
        return handle

    monkeypatch.setattr(files.os, "open", watching_open)
    assert _create(tmp_path / "id.p12") == 0
    monkeypatch.undo()
    (key_temp,) = (name for name in created if name.startswith(".id.p12."))
    assert created[key_temp] == (0o600, 0)
    assert _mode(tmp_path / "id.p12") == 0o600  # right after creation, under umask 022
    assert _mode(tmp_path / "id.pem") == 0o644  # the certificate is for others to read
    assert _mode(tmp_path / "id.p12.notes-key") == 0o600  # the key notes are sealed to
    assert sorted(p.name for p in tmp_path.iterdir()) == ["id.p12", "id.p12.notes-key", "id.pem"]


@pytest.mark.parametrize("existing", ["id.p12", "id.pem"])
def test_an_existing_key_or_certificate_is_replaced_only_with_force(
    tmp_path: Path, existing: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / existing).write_bytes(b"the real signer's")
    (tmp_path / existing).chmod(0o644)
    assert _create(tmp_path / "id.p12") == 1
    err = capsys.readouterr().err
    assert f"{tmp_path / existing} already exists; add --force" in err
    assert "No identity was written." in err and "Traceback" not in err
    assert [p.name for p in tmp_path.iterdir()] == [existing]
    assert (tmp_path / existing).read_bytes() == b"the real signer's"
    assert _create(tmp_path / "id.p12", "--force") == 0
    assert (tmp_path / existing).read_bytes() != b"the real signer's"
    assert _mode(tmp_path / "id.p12") == 0o600


@pytest.mark.parametrize("planted", ["id.p12", "id.pem"])
def test_force_never_writes_through_a_planted_link(
    tmp_path: Path, planted: str, capsys: pytest.CaptureFixture[str]
) -> None:
    victim = tmp_path / "elsewhere" / "victim"
    victim.parent.mkdir()
    victim.write_bytes(b"not irdesk's")
    folder = tmp_path / "ids"
    folder.mkdir()
    (folder / planted).symlink_to(victim)
    for extra in ((), ("--force",)):
        assert _create(folder / "id.p12", *extra) == 1
        err = capsys.readouterr().err
        assert f"{folder / planted} is a symbolic link" in err and "Traceback" not in err
    assert (folder / planted).is_symlink() and (folder / planted).readlink() == victim
    assert victim.read_bytes() == b"not irdesk's"
    assert [p.name for p in folder.iterdir()] == [planted]
