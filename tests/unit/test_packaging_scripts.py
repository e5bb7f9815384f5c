"""The packaging scripts at least parse: the bundle and wheel smoke tests run them in full.

Building the bundle takes minutes, so `make test` does not; a typo in a script
should still not wait for the packaging job to be found.
"""

import os
import subprocess
from pathlib import Path

import pytest

PACKAGING = Path(__file__).resolve().parents[2] / "packaging"
SCRIPTS = sorted(PACKAGING.glob("*.sh"))


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_each_shell_script_parses_and_is_executable(script: Path) -> None:
    result = subprocess.run(
        ["bash", "-n", str(script)], capture_output=True, text=True, timeout=30, check=False
    )
    assert result.returncode == 0, result.stderr
    # A script to run starts with #! and is executable; a library the scripts source
    # (smoke_steps.sh) has neither.
    runnable = script.read_text(encoding="utf-8").startswith("#!")
    assert os.access(script, os.X_OK) == runnable, f"{script.name}: #! and chmod +x go together"


def test_the_pyinstaller_spec_is_python() -> None:
    spec = PACKAGING / "irdesk.spec"
    compile(spec.read_text(encoding="utf-8"), str(spec), "exec")
