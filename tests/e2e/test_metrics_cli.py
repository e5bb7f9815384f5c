"""`irdesk metrics` as a user runs it: a subprocess on the demo organisation."""

import csv
import io
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from testdata import CopyDemo

ANCHOR = date(2026, 11, 2)


def irdesk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "irdesk", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, copy_demo: CopyDemo) -> Path:
    path = tmp_path_factory.mktemp("metrics") / "demo.db"
    copy_demo(path, anchor=ANCHOR)
    return path


def test_tables_json_and_csv_agree(demo: Path) -> None:
    common = ("--db", str(demo), "--from", "2026-08-01", "--to", "2026-10-31", "--by", "team")
    table = irdesk("metrics", *common)
    assert table.returncode == 0, table.stderr
    assert "policy version 2" in table.stdout.splitlines()[0]
    for title in ("Time to resolve", "SLO adherence per service", "Postmortem compliance"):
        assert f"\n{title}\n" in table.stdout
    assert "Mean" not in table.stdout

    data = json.loads(irdesk("metrics", *common, "--format", "json").stdout)
    assert data["policy_version"] == 2 and data["by"] == "team"
    teams = [row["group"] for row in data["tables"]["time_to_resolve"]["rows"]]
    assert teams == ["All", "Checkout", "Discovery & Messaging", "Payments"]

    rows = list(csv.reader(io.StringIO(irdesk("metrics", *common, "--format", "csv").stdout)))
    assert rows[0] == ["table", "row", "column", "value"]
    median = next(r for r in rows if r[:3] == ["time_to_resolve", "0", "median"])
    assert float(median[3]) == pytest.approx(data["tables"]["time_to_resolve"]["rows"][0]["median"])


def test_an_older_policy_version_and_the_mean_on_request(demo: Path) -> None:
    old = irdesk(
        "metrics",
        "--db",
        str(demo),
        "--to",
        "2026-10-31",
        "--policy-version",
        "1",
        "--mean",
        "--format",
        "json",
    )
    assert old.returncode == 0, old.stderr
    data = json.loads(old.stdout)
    assert data["policy_version"] == 1 and data["policy"]["evaluation"] == "threshold"
    assert "mean" in data["tables"]["time_to_resolve"]["columns"]


def test_mistakes_are_named(demo: Path, tmp_path: Path) -> None:
    backwards = irdesk("metrics", "--db", str(demo), "--from", "2026-10-01", "--to", "2026-09-01")
    assert backwards.returncode == 1
    assert "--to (2026-09-01) is before --from (2026-10-01)" in backwards.stderr
    missing = irdesk("metrics", "--db", str(demo), "--policy-version", "9")
    assert missing.returncode == 1
    assert "no policy version 9" in missing.stderr and "(versions: 1, 2)" in missing.stderr
    nowhere = irdesk("metrics", "--db", str(tmp_path / "none.db"))
    assert nowhere.returncode == 1 and "does not exist" in nowhere.stderr
    assert not (tmp_path / "none.db").exists()


def test_figures_from_an_older_file_leave_it_as_it_was(tmp_path: Path) -> None:
    from sqlalchemy import create_engine

    from irdesk.storage import schema

    path = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        schema.upgrade(conn, schema.known_revisions()[0])
    engine.dispose()
    before = path.read_bytes()
    result = irdesk("metrics", "--db", str(path))
    assert result.returncode == 1
    assert "irdesk db upgrade" in result.stderr
    assert path.read_bytes() == before and not list(tmp_path.glob("old.db.backup-*"))
