"""The README's two commands, as `make -n` shows what they would run.

A newcomer's `make run` opens their own database (never a regenerated demo), and
both commands install exactly the lock, again whenever the lock changes.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LOCK = "requirements/lock.txt"


def dry_run(*args: str) -> list[str]:
    """The commands `make` would run, one per line, without running any."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


@pytest.fixture
def installed_venv(tmp_path: Path) -> Path:
    """A venv folder whose stamps say the lock and irdesk were installed after the lock changed."""
    venv = tmp_path / "venv"
    venv.mkdir()
    lock_time = (ROOT / LOCK).stat().st_mtime
    pyproject_time = (ROOT / "pyproject.toml").stat().st_mtime
    for stamp in (".lock-installed", ".installed"):
        (venv / stamp).touch()
        newer = max(lock_time, pyproject_time) + 10
        os.utime(venv / stamp, (newer, newer))
    return venv


def test_make_run_opens_the_users_own_database(installed_venv: Path) -> None:
    commands = dry_run("run", f"VENV={installed_venv}")
    assert commands[-1] == f"{installed_venv}/bin/irdesk"
    assert not any("--demo" in command for command in commands)


def test_a_fresh_machine_installs_exactly_the_lock_with_its_hashes(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    commands = dry_run("test", f"VENV={venv}")
    system = next(i for i, line in enumerate(commands) if "tools/system-packages.sh" in line)
    install = commands.index(
        f"{venv}/bin/python -m pip install --quiet --require-hashes --no-deps -r {LOCK}"
    )
    editable = commands.index(
        f"{venv}/bin/python -m pip install --quiet --no-deps --no-build-isolation -e ."
    )
    tests = commands.index(
        f"QT_QPA_PLATFORM=offscreen {venv}/bin/python -m pytest"
        ' -n logical --maxprocesses=4 --dist=loadfile -m "not alone"'
    )
    alone = commands.index(f"QT_QPA_PLATFORM=offscreen {venv}/bin/python -m pytest -m alone")
    # The Debian packages are checked before anything is installed or tested.
    assert system < install < editable < tests < alone


def test_the_venv_is_made_anew_when_the_lock_changes(installed_venv: Path) -> None:
    assert not any("pip install" in line for line in dry_run("run", f"VENV={installed_venv}"))
    after_a_new_lock = dry_run("run", f"VENV={installed_venv}", "-W", LOCK)
    assert f"rm -rf {installed_venv}" in after_a_new_lock
    assert any("--require-hashes" in line for line in after_a_new_lock)
