"""What the window loads to start, and what it leaves for later: each heavy screen pays for
its own modules when first opened, and shows that it is busy meanwhile.

The start-up runs in a process of its own (startup_probe.py), so that sys.modules holds
only what irdesk itself imported, not what other tests loaded before.
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sample_incidents import write_incidents

from irdesk.gui.review.models import CATEGORY_TEXT
from irdesk.storage.records.findings import CATEGORY_ORDER

PROBE = Path(__file__).with_name("startup_probe.py")
# Never needed to show the incident list: packets, charts, signing, importers, migrations.
HEAVY = ("pyhanko", "reportlab", "matplotlib", "numpy", "alembic", "irdesk.importers")
# Loaded by the worker that opens the file, after the window and its list are on screen.
DATABASE = ("sqlalchemy", "sqlmodel", "pydantic", "irdesk.domain.models")


def among(modules: list[str], packages: tuple[str, ...]) -> list[str]:
    """Which of `packages` (or modules inside them) are in `modules`."""
    return sorted({p for p in packages for m in modules if m == p or m.startswith(f"{p}.")})


@pytest.fixture(scope="module")
def start(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("startup")
    database = write_incidents(folder / "incidents.db").path
    out = folder / "seen.json"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "IRDESK_HOME": str(folder / "home")}
    env.pop("IRDESK_EXIT_WHEN_SHOWN", None)
    done = subprocess.run(
        [sys.executable, str(PROBE), str(database), str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    seen: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return seen


@pytest.mark.slow
def test_the_window_starts_without_the_database_reports_or_importers(
    start: dict[str, Any],
) -> None:
    # What the command line and the window import before the window shows.
    assert "irdesk.gui.main_window" in start["after_import"]
    assert among(start["after_import"], HEAVY + DATABASE) == []
    # The first start's name prompt loads once the file is open, and leaves the window usable.
    assert "irdesk.gui.common.actor_dialog" not in start["after_import"]
    assert "irdesk.gui.common.actor_dialog" not in start["first_look"]["modules"]
    assert start["name_dialog_visible"] is True


@pytest.mark.slow
def test_the_first_look_lists_the_incidents_before_the_database_modules_load(
    start: dict[str, Any],
) -> None:
    # SQLAlchemy, SQLModel, pydantic and the tables load on the worker once the rows show.
    first_look = start["first_look"]
    assert first_look["count"] == "5 incidents"
    assert among(first_look["modules"], HEAVY + DATABASE) == []


@pytest.mark.slow
def test_listing_a_database_loads_no_packet_chart_importer_or_migration_module(
    start: dict[str, Any],
) -> None:
    assert start["count"] == "5 incidents"
    # The file is open (SQLAlchemy's engine); the list reads its pages with plain sqlite3,
    # so the ORM and the tables wait for the first screen that reads more.
    assert among(start["listed"], DATABASE) == ["sqlalchemy"]
    assert among(start["listed"], HEAVY) == []


@pytest.mark.slow
def test_the_packet_dialog_opens_and_previews_without_drawing_or_signing_modules(
    start: dict[str, Any],
) -> None:
    # reportlab, matplotlib and pyHanko wait for the export itself, on the worker.
    assert start["packet_dialog_visible"] is True
    assert among(start["packet_dialog"], ("reportlab", "matplotlib", "pyhanko")) == []


@pytest.mark.slow
def test_the_first_dashboard_shows_it_is_busy_while_its_modules_load(
    start: dict[str, Any],
) -> None:
    assert start["dashboard_loaded_before"] is False
    assert start["while_importing"] == {
        "cursor": "WaitCursor",
        "busy_visible": True,
        "busy_text": "Loading the metrics dashboard…",
    }
    after = start["after"]
    assert after["dashboard_visible"] is True
    assert after["cursor"] is None  # the wait cursor is gone again
    assert after["busy_text"] != "Loading the metrics dashboard…"


def test_the_review_tab_lists_finding_categories_in_storages_order() -> None:
    # The tab is built before storage is loaded, so it keeps its own list of categories.
    assert tuple(CATEGORY_TEXT) == CATEGORY_ORDER
