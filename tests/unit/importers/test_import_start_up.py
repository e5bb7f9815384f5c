"""What a fresh `irdesk import` process loads: its start-up is part of every scripted import.

A folder of 10,000 PagerDuty pages imports in a few seconds, a third of which was once
start-up; the readers detection never reaches, the window, the PDF and signing libraries,
the ORM and the migrations are none of an import into a current file's business.
"""

import subprocess
import sys
from pathlib import Path

import pytest
from testdata import SHARED_DATA

# The sample page of 26 incidents.
PD_PAGE = SHARED_DATA / "pagerduty_incidents_page.json"
NOT_FOR_AN_IMPORT = (
    "PySide6",
    "shiboken6",
    "pyhanko",
    "reportlab",
    "matplotlib",
    "alembic",
    "sqlmodel",
    "pandas",
    "numpy",
)
# Readers after PagerDuty's in detection order: a PagerDuty page is recognised first.
READERS_NOT_REACHED = (
    "irdesk.importers.formats.opsgenie",
    "irdesk.importers.formats.statuspage",
    "irdesk.importers.formats.jira",
    "irdesk.importers.formats.slack",
    "irdesk.importers.formats.org_roster",
    "irdesk.importers.formats.generic",
    "irdesk.gui",
    "irdesk.reports",
)


@pytest.mark.slow
def test_a_pagerduty_import_loads_only_what_it_reads_and_writes_with(tmp_path: Path) -> None:
    database = tmp_path / "new.db"
    # A fresh process, so nothing other tests imported counts.
    probe = (
        "import sys\n"
        "from irdesk.cli.main import main\n"
        f"args = ['import', {str(PD_PAGE)!r}, '--db', {str(database)!r}]\n"
        # Into a new file, then again into that file, now current: nothing to upgrade.
        "code = main(args) + main(args)\n"
        "print(code, ' '.join(sorted(sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert "Incidents: 26 new, 0 updated, 0 unchanged" in done.stdout
    assert "Incidents: 0 new, 0 updated, 26 unchanged" in done.stdout
    code, *loaded = done.stderr.split()
    assert code == "0"
    assert [m for m in loaded if m.split(".")[0] in NOT_FOR_AN_IMPORT] == []
    assert [m for m in loaded if m.startswith(READERS_NOT_REACHED)] == []
    assert "irdesk.importers.formats.pagerduty" in loaded
