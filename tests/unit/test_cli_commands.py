"""The `irdesk` command in-process: exit codes a script relies on."""

from pathlib import Path

import metric_fixture as fx
import pytest

from irdesk.cli.main import main
from irdesk.storage.database import open_database


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
