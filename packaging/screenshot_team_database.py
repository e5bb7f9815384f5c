"""Render the main window on a team database (PostgreSQL) to a PNG.

    QT_QPA_PLATFORM=offscreen python packaging/screenshot_team_database.py OUT.png \
        [--id ID] [--size 1280x800]

Starts a throwaway PostgreSQL cluster in a temporary folder (tests/pg_cluster.py: Debian's
`postgresql` package, a Unix socket only), copies the demo organisation into its database
`team` with `irdesk db copy`, opens the window on `postgresql://irdesk_admin@/team`, shows
the review of the incident `--id` (by default the SEV1/SEV2 incident with the richest
timeline, as packaging/screenshot.py chooses) and grabs it: the status bar names the address, never a
password or the socket's folder. The cluster is stopped and its folder removed after.
"""

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screenshot import (
    demo_database,
    offscreen_screen,
    open_window,
    richest_severe_incident,
    save_grab,
    screen_size,
    select_incident,
    settle,
    wait_until_idle,
)

TESTS = Path(__file__).resolve().parents[1] / "tests"
sys.path.insert(0, str(TESTS))
import pg_cluster  # noqa: E402 (found through the tests' folder, put on the path above)

from irdesk.storage.server import ServerAddress, ServerLocation  # noqa: E402

DATABASE = "team"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--id", help="the incident whose review is shown, as the list shows it")
    parser.add_argument("--size", type=screen_size, default=(1280, 800), metavar="WxH")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="irdesk-screenshot-") as scratch:
        folder = Path(scratch) / "cluster"
        try:
            _grab(Path(scratch), folder, args)
        finally:
            pg_cluster.stop(folder)
    print(f"Wrote {args.out} ({args.size[0]}×{args.size[1]})")
    return 0


def _grab(scratch: Path, folder: Path, args: argparse.Namespace) -> None:
    pg_cluster.start(folder)
    server = pg_cluster.engine(pg_cluster.url(folder))
    try:
        with server.connect() as connection:
            connection.exec_driver_sql(f"CREATE DATABASE {DATABASE}")
    finally:
        server.dispose()
    address = pg_cluster.url(folder, DATABASE)
    demo = demo_database(scratch)
    copied = subprocess.run(
        [sys.executable, "-m", "irdesk", "db", "copy", str(demo), address],
        capture_output=True,
        text=True,
        check=False,
    )
    if copied.returncode != 0:
        raise SystemExit(f"screenshot: irdesk db copy failed: {copied.stderr.strip()}")
    location = ServerLocation(ServerAddress.parse(address))
    offscreen_screen(scratch, args.size)
    _app, window = open_window(location, scratch, args.size)
    incident_id = _incident(location, args.id or _richest(demo))
    select_incident(window, incident_id)
    window.incident_tabs.setCurrentWidget(window.review_tab)
    wait_until_idle(window)
    settle(300)
    save_grab(window, args.out)
    window.close()


def _richest(demo: Path) -> str:
    """The ID the list shows of the demo's SEV1/SEV2 incident with the richest timeline."""
    import sqlite3
    from contextlib import closing

    chosen = richest_severe_incident(demo)
    if chosen is None:
        raise SystemExit("screenshot: the demo has no SEV1 or SEV2 incident")
    with closing(sqlite3.connect(demo)) as connection, connection:
        (external_id,) = connection.execute(
            "SELECT external_id FROM incident WHERE id = ?", (chosen,)
        ).fetchone()
    return str(external_id)


def _incident(location: ServerLocation, external_id: str) -> int:
    from irdesk.storage.reads.packet_data import find_incident
    from irdesk.storage.server import open_server_database

    database = open_server_database(location.address)
    try:
        with database.session() as session:
            return find_incident(session, external_id)
    finally:
        database.close()


if __name__ == "__main__":
    sys.exit(main())
