"""A zip bomb given to `irdesk import`: refused from its directory, in little memory.

Thirty members of 99 MB of zeros (a 3 MB zip) once took 3.1 GB and 14 s. The peak resident
memory of the command is measured in a process of its own, so that no earlier child of the
test run counts.
"""

import subprocess
import sys
from pathlib import Path

from zips import write_bomb

PEAK_LIMIT_MB = 300

# Runs `irdesk import` as a child and prints that child's peak resident memory in KB
# (Linux counts ru_maxrss in kilobytes).
MEASURE = """
import resource, subprocess, sys
done = subprocess.run([sys.executable, "-m", "irdesk", *sys.argv[1:]], capture_output=True,
                      text=True)
print(done.returncode)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(done.stderr)
"""


def test_a_zip_bomb_is_refused_in_little_memory(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.zip"
    write_bomb(bomb, members=30, size=99 * 1024 * 1024)
    assert bomb.stat().st_size < 4 * 1024 * 1024
    db = tmp_path / "irdesk.db"
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, "import", str(bomb), "--db", str(db)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    code, peak_kb, stderr = done.stdout.split("\n", 2)
    assert code == "1"
    assert stderr.startswith(
        f"irdesk: error: {bomb}!part-00.json: expected a zip member compressed at most 100:1"
    )
    assert "Traceback" not in stderr
    assert int(peak_kb) / 1024 < PEAK_LIMIT_MB
    assert not db.exists()
