"""The `irdesk` command in-process: exit codes a script relies on, and a light start-up."""

import io
import subprocess
import sys
from pathlib import Path

import metric_fixture as fx
import pytest

from irdesk.cli.main import main
from irdesk.storage.database import open_database

# What a script waits for when it only asks `irdesk --help`: none of it is needed there.
HEAVY = ("PySide6", "shiboken6", "pyhanko", "reportlab", "matplotlib", "sqlalchemy", "sqlmodel")
HEAVY_IRDESK = ("irdesk.gui", "irdesk.reports", "irdesk.importers", "irdesk.storage.database")


@pytest.fixture
def metrics_file(tmp_path: Path) -> Path:
    path = tmp_path / "metrics.db"
    db = open_database(path)
    try:
        with db.transaction() as session:
            fx.write_to(session)
    finally:
        db.close()
    return path


def test_metrics_as_a_table_exits_zero(
    metrics_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The table is the default format, the one a person reads and a script checks with `&&`.
    period = ["--from", "2026-01-05", "--to", "2026-01-14", "--by", "team"]
    assert main(["metrics", "--db", str(metrics_file), *period]) == 0
    shown = capsys.readouterr().out
    assert shown.startswith(
        "4 incidents from 2026-01-05 to 2026-01-14 (UTC days), by team, policy built-in defaults\n"
    )
    assert "\nTime to resolve\nTeam  Counted" in shown


def test_a_failure_is_one_message_and_exit_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nothere.db"
    assert main(["db", "upgrade", str(missing)]) == 1
    assert capsys.readouterr().err == f"irdesk: error: {missing}: does not exist.\n"


def test_without_a_passphrase_or_a_terminal_nothing_is_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("IRDESK_PASSPHRASE", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # a script's stdin, not a terminal
    identity = tmp_path / "id.p12"
    assert main(["identity", "create", str(identity), "--name", "Kwame"]) == 1
    assert capsys.readouterr().err == (
        "irdesk: error: no passphrase: use --passphrase-file or set IRDESK_PASSPHRASE\n"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
@pytest.mark.parametrize("option", ["--help", "--version"])
def test_help_and_version_start_without_the_heavy_libraries(option: str) -> None:
    # A fresh process, so nothing other tests imported counts.
    probe = (
        "import sys\n"
        "from irdesk.cli.main import main\n"
        "try:\n"
        f"    main([{option!r}])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(' '.join(sorted(sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip()  # the help or the version was printed
    loaded = done.stderr.split()
    assert [m for m in loaded if m.split(".")[0] in HEAVY] == []
    assert [m for m in loaded if m.startswith(HEAVY_IRDESK)] == []
