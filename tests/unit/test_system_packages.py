"""tools/system-packages.sh, which `make run`, `make test` and CI run before anything else.

dpkg-query, apt-get, id and sudo are stand-ins on PATH, so each case of a user's
machine can be played here without installing anything: all there, missing as root,
missing without sudo, not Debian at all.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tools" / "system-packages.sh"
LISTED = [
    line.split("#")[0].strip()
    for line in (ROOT / "tools" / "debian-packages.txt").read_text(encoding="utf-8").splitlines()
    if line.split("#")[0].strip()
]
# What the script itself runs besides the stand-ins.
REAL_TOOLS = ("bash", "dirname", "readlink", "grep", "mktemp", "cat", "rm")

FAKES = {
    # Answers from FAKE_INSTALLED; no file belongs to a package (the test's Python is not Debian's).
    "dpkg-query": """#!/bin/bash
if [[ $1 == -S ]]; then exit 1; fi
shift 2
for p in "$@"; do
  if [[ " $FAKE_INSTALLED " == *" $p "* ]]; then echo "$p installed"; fi
done
""",
    "apt-get": '#!/bin/bash\necho "apt-get $*" >> "$FAKE_LOG"\n',
    "id": '#!/bin/bash\necho "$FAKE_UID"\n',
    # sudo that would ask for a password: `sudo -n` fails.
    "sudo": '#!/bin/bash\necho "sudo $*" >> "$FAKE_LOG"\nexit 1\n',
}


@pytest.fixture
def fake_bin(tmp_path: Path) -> Path:
    folder = tmp_path / "bin"
    folder.mkdir()
    for tool in REAL_TOOLS:
        found = shutil.which(tool)
        if found is None:
            pytest.skip(f"{tool} is not installed")
        (folder / tool).symlink_to(found)
    return folder


def run_script(
    fake_bin: Path, *, installed: list[str], uid: int, dpkg: bool = True
) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    for name, text in FAKES.items():
        if name == "dpkg-query" and not dpkg:
            continue
        (fake_bin / name).write_text(text, encoding="utf-8")
        (fake_bin / name).chmod(0o755)
    log = fake_bin.parent / "calls.log"
    log.touch()
    env = {
        "PATH": str(fake_bin),
        "PYTHON": "python3",
        "FAKE_INSTALLED": " ".join(installed),
        "FAKE_LOG": str(log),
        "FAKE_UID": str(uid),
        "HOME": os.environ.get("HOME", "/"),
    }
    result = subprocess.run(
        [str(fake_bin / "bash"), str(SCRIPT)],
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
        check=False,
    )
    return result, log.read_text(encoding="utf-8").splitlines()


def test_the_list_has_what_the_tests_and_the_window_load() -> None:
    assert {"poppler-utils", "qpdf", "sqlite3", "fonts-dejavu-core", "libegl1"} <= set(LISTED)
    assert {"libxcb-cursor0", "libxkbcommon-x11-0"} <= set(LISTED)  # Qt's xcb plugin


def test_all_installed_is_silent_and_touches_nothing(fake_bin: Path) -> None:
    result, calls = run_script(fake_bin, installed=LISTED, uid=1000)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert calls == []


def test_as_root_the_missing_ones_are_installed_after_an_update(fake_bin: Path) -> None:
    result, calls = run_script(fake_bin, installed=LISTED[2:], uid=0)
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout == f"Installing the Debian packages irdesk needs: {LISTED[0]} {LISTED[1]}\n"
    )
    assert calls == [
        "apt-get update -qq",
        f"apt-get install -y -qq --no-install-recommends {LISTED[0]} {LISTED[1]}",
    ]


def test_without_root_or_sudo_it_stops_with_the_line_to_run(fake_bin: Path) -> None:
    missing = ["poppler-utils", "qpdf"]
    installed = [name for name in LISTED if name not in missing]
    result, calls = run_script(fake_bin, installed=installed, uid=1000)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        "  sudo apt-get update && sudo apt-get install -y --no-install-recommends poppler-utils qpdf"
    )
    assert "not installed: poppler-utils qpdf." in result.stderr
    assert [call for call in calls if call.startswith("apt-get")] == []


def test_not_debian_says_what_is_needed_and_goes_on(fake_bin: Path) -> None:
    result, calls = run_script(fake_bin, installed=[], uid=1000, dpkg=False)
    assert result.returncode == 0
    assert "not Debian or Ubuntu" in result.stderr and "poppler-utils" in result.stderr
    assert calls == []
