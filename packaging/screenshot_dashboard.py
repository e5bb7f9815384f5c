"""Render the metrics dashboard to a PNG, the way the README shows it.

    QT_QPA_PLATFORM=offscreen python packaging/screenshot_dashboard.py OUT.png [--tables]

Writes the demo organisation (fixed seed and anchor day) into a temporary
folder, opens it, opens View › Metrics Dashboard on the 90 days before the
anchor, clicks the first bar of the distribution chart so that the drill-down
lists its incidents, waits for the background work and saves the dashboard's
`grab()`. With --tables, the Tables tab (SLO adherence) instead of the charts.
"""

import argparse
import os
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screenshot import DEMO_ANCHOR, demo_database, open_window, save_grab, settle, wait_until_idle

from irdesk.gui.metrics.dashboard import _qdate, default_period

SIZE = (1440, 980)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="PNG file to write")
    parser.add_argument("--tables", action="store_true", help="show a table, not the charts")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="irdesk-screenshot-") as scratch:
        _app, window = open_window(demo_database(Path(scratch)), Path(scratch))
        dashboard = window.metrics.show_dashboard()
        assert dashboard is not None
        dashboard.resize(*SIZE)
        wait_until_idle(window)
        first, end = default_period(DEMO_ANCHOR - timedelta(days=1))
        dashboard.from_edit.setDate(_qdate(first))
        dashboard.to_edit.setDate(_qdate(end - timedelta(days=1)))
        wait_until_idle(window)
        if args.tables:
            dashboard.select_table("slo")
        chart = dashboard.charts[1]
        bars = [a for a in chart.targets if a.axes is not None]
        if bars:
            found = chart.incidents_at(bars[0])
            if found is not None:
                dashboard.show_incidents(*found)
                wait_until_idle(window)
        dashboard.tabs.setFocus()
        settle()
        save_grab(dashboard, args.out)
        window.close()
    print(f"Wrote {args.out} ({SIZE[0]}×{SIZE[1]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
