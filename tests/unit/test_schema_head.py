"""The generated revision list, which opening a file relies on instead of alembic, matches the scripts."""

import subprocess
import sys
from pathlib import Path

import pytest

from irdesk.storage import head_schema, schema
from irdesk.storage.database import open_database

STALE = (
    "irdesk/storage/schema_revisions.py is out of date: run `python -m irdesk.storage.head_schema`"
)


def test_the_listed_revisions_are_the_migration_scripts_oldest_first() -> None:
    script = schema.script_directory()
    walked = [rev.revision for rev in reversed(list(script.walk_revisions()))]
    assert schema.known_revisions() == walked, STALE
    stored = Path(head_schema.__file__).with_name(head_schema.REVISIONS_NAME)
    assert stored.read_text(encoding="utf-8") == head_schema.revisions_module(walked), STALE


def test_the_check_names_a_stale_file_and_the_command_rewrites_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / head_schema.REVISIONS_NAME
    path.write_text("REVISIONS = ()\n", encoding="utf-8")
    fresh = head_schema.revisions_module(["0001", "0002"])
    generated = [head_schema.GeneratedFile(path, fresh)]
    monkeypatch.setattr(head_schema, "generated_files", lambda: generated)

    assert head_schema.main(["--check"]) == 1
    assert f"out of date: {path}" in capsys.readouterr().out
    assert path.read_text(encoding="utf-8") == "REVISIONS = ()\n"  # checking writes nothing

    assert head_schema.main([]) == 0
    assert path.read_text(encoding="utf-8") == fresh
    assert head_schema.main(["--check"]) == 0


def test_the_head_is_alembics_head() -> None:
    assert schema.head_revision() == schema.script_directory().get_current_head(), STALE
    assert schema.known_revisions()[-1] == schema.head_revision()


def test_the_script_history_is_a_single_line() -> None:
    # One head and one base: the revisions as a simple list stay a faithful picture.
    script = schema.script_directory()
    assert len(script.get_heads()) == 1
    assert len(script.get_bases()) == 1


def test_opening_a_current_file_for_an_import_needs_no_alembic_orm_or_qt(tmp_path: Path) -> None:
    # What `irdesk import` loads into an existing file; a fresh process, so nothing
    # imported by other tests counts. Alembic is for creating and upgrading files only.
    open_database(tmp_path / "current.db").close()
    probe = (
        "import sys; from pathlib import Path; import irdesk.cli.main, irdesk.importers.pipeline;"
        "from irdesk.storage.database import open_database;"
        f"open_database(Path({str(tmp_path / 'current.db')!r})).close();"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'alembic', 'sqlmodel', 'PySide6'}),"
        " 'irdesk.gui' in sys.modules, 'irdesk.domain.models' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["[]", "False", "False"]
