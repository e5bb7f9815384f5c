"""A corrected lifecycle time shows as corrected, with what the source said."""

from datetime import timedelta

from pytestqt.qtbot import QtBot
from sample_incidents import T0, IncidentFile
from sqlmodel import select
from window_driver import click_row, open_and_wait, row_of

from irdesk.domain.models import Incident
from irdesk.gui.main_window import MainWindow
from irdesk.storage.database import open_database
from irdesk.storage.records.lifecycle_edits import set_override


def test_an_override_is_shown_beside_the_source_value(
    qtbot: QtBot, window: MainWindow, incident_file: IncidentFile, local_zone
) -> None:
    local_zone("UTC")
    db = open_database(incident_file.path)
    with db.transaction() as session:
        incident = session.exec(select(Incident).where(Incident.external_id == "INC-101")).one()
        set_override(
            session,
            incident.id,
            "detected_at",
            T0 + timedelta(minutes=1),
            reason="the synthetic probe alerted first",
            actor="Zoë Ñúñez",
        )
    db.close()
    open_and_wait(qtbot, window, incident_file.path)

    click_row(qtbot, window, row_of(window, "INC-101"))

    detected = window.details.values["Detected"]
    assert detected.text() == "2026-10-14 09:33  ✎ (source: 2026-10-14 09:36)"
    assert "Zoë Ñúñez" in detected.toolTip() and "synthetic probe" in detected.toolTip()
    assert window.details.values["Time to detect"].text() == "1m"
