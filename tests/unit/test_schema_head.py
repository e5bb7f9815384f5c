"""schema.REVISIONS, which opening a file relies on instead of alembic, matches the scripts."""

import subprocess
import sys
from pathlib import Path

from irdesk.storage import schema
from irdesk.storage.database import open_database


def test_the_listed_revisions_are_the_migration_scripts_oldest_first() -> None:
    script = schema.script_directory()
    walked = [rev.revision for rev in reversed(list(script.walk_revisions()))]
    assert list(schema.REVISIONS) == walked, (
        "irdesk/storage/schema.py REVISIONS must list every migration, oldest first"
    )


def test_the_head_is_alembics_head() -> None:
    assert schema.head_revision() == schema.script_directory().get_current_head()
    assert schema.known_revisions()[-1] == schema.head_revision()


def test_the_script_history_is_a_single_line() -> None:
    # One head and one base: REVISIONS as a simple list stays a faithful picture.
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
