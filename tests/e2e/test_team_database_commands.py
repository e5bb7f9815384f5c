"""The commands on a team database: `--db postgresql://…` where a file's path goes.

Each test gets an empty database on the run's throwaway cluster (conftest's
`postgres_url`), addressed as a user would: a socket folder in the query, no password.
Samples: /work/shared/data/pagerduty_incidents_page.json (26 incidents, 52 events,
among them PH4UE4E, assigned to Michael Mandy).
"""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from testdata import SHARED_DATA

PD_PAGE = SHARED_DATA / "pagerduty_incidents_page.json"


def irdesk(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "irdesk", *args],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, **(env or {})},
        check=False,
    )


def shown(url: str) -> str:
    """The address as messages name it: without the socket folder."""
    return url.split("?", 1)[0]


def test_an_import_into_an_empty_server_database_upgrades_it_and_imports_once(
    postgres_url: str,
) -> None:
    first = irdesk("import", str(PD_PAGE), "--db", postgres_url)
    assert first.returncode == 0, first.stderr
    assert "Incidents: 26 new, 0 updated, 0 unchanged" in first.stdout
    assert "Timeline events: 52 new, 0 updated, 0 unchanged" in first.stdout
    assert f"Database: {shown(postgres_url)}\n" in first.stdout

    # The top-level --db as well as the command's own.
    again = irdesk("--db", postgres_url, "import", str(PD_PAGE))
    assert again.returncode == 0, again.stderr
    assert "Incidents: 0 new, 0 updated, 26 unchanged" in again.stdout

    checked = irdesk("db", "check", postgres_url)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "incident 26" in checked.stdout


def test_a_typed_role_and_a_packet_from_the_server(postgres_url: str, tmp_path: Path) -> None:
    assert irdesk("import", str(PD_PAGE), "--db", postgres_url).returncode == 0

    typed = irdesk("roles", "PH4UE4E", "--set", "Tim Teller=commander", "--db", postgres_url)
    assert typed.returncode == 0, typed.stderr
    assert "Tim Teller: incident commander [typed]" in typed.stdout
    assert "Michael Mandy: on-call primary [import" in typed.stdout

    out = tmp_path / "PH4UE4E.pdf"
    packet = irdesk(
        "packet", "PH4UE4E", "--profile", "postmortem", "--out", str(out), "--db", postgres_url
    )
    assert packet.returncode == 0, packet.stderr
    assert out.read_bytes().startswith(b"%PDF")
    assert "not signed" in packet.stdout


def test_a_password_in_the_address_is_refused_before_anything_is_sent() -> None:
    done = irdesk("import", str(PD_PAGE), "--db", "postgresql://ana:secret@db.example/irdesk")
    assert done.returncode == 1
    assert "holds a password" in done.stderr
    assert "~/.pgpass" in done.stderr
    assert "secret" not in done.stderr
    assert "Traceback" not in done.stderr


def test_a_reading_command_on_a_database_without_the_schema_names_the_upgrade(
    postgres_url: str,
) -> None:
    done = irdesk("roles", "PH4UE4E", "--db", postgres_url)
    assert done.returncode == 1
    assert f"run `irdesk db upgrade {shown(postgres_url)}` first" in done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_a_service_file_entry_names_the_server_the_database_and_the_login(
    postgres_url: str, tmp_path: Path
) -> None:
    """What the administrator's guide tells a person to write in ~/.pg_service.conf."""
    parts = urlsplit(postgres_url)
    services = tmp_path / "pg_service.conf"
    services.write_text(
        "[team]\n"
        f"host={parse_qs(parts.query)['host'][0]}\n"
        f"dbname={parts.path.strip('/')}\n"
        f"user={parts.username}\n"
    )
    done = irdesk(
        "import",
        str(PD_PAGE),
        "--db",
        "postgresql:///?service=team",
        env={"PGSERVICEFILE": str(services)},
    )
    assert done.returncode == 0, done.stderr
    assert "Incidents: 26 new, 0 updated, 0 unchanged" in done.stdout
    assert "Database: postgresql:///?service=team\n" in done.stdout


def test_two_imports_of_the_same_file_at_once_write_it_once(postgres_url: str) -> None:
    """The second waits for the first (the server's import lock) and finds its rows,
    instead of inserting the same services and incidents again."""
    assert irdesk("db", "upgrade", postgres_url).returncode == 0
    command = [sys.executable, "-m", "irdesk", "import", str(PD_PAGE), "--db", postgres_url]
    running = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=180) for process in running]
    assert [process.returncode for process in running] == [0, 0], [err for _, err in outputs]
    incidents = sorted(
        next(line for line in out.splitlines() if line.startswith("Incidents:"))
        for out, _ in outputs
    )
    assert incidents == [
        "Incidents: 0 new, 0 updated, 26 unchanged",
        "Incidents: 26 new, 0 updated, 0 unchanged",
    ]


def test_the_window_opens_on_a_server_address(postgres_url: str) -> None:
    assert irdesk("import", str(PD_PAGE), "--db", postgres_url).returncode == 0
    # "list": the process ends once the server's incidents are drawn in the window.
    done = irdesk(
        "--db",
        postgres_url,
        env={"QT_QPA_PLATFORM": "offscreen", "IRDESK_EXIT_WHEN_SHOWN": "list"},
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
