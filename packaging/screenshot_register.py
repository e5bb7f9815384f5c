"""Render Tools › Compliance Register… on the demo to a PNG.

    QT_QPA_PLATFORM=offscreen python packaging/screenshot_register.py OUT.png [--size WxH]

Writes the demo organisation (fixed seed and anchor day) in a temporary folder, names
the regulation of three of its exposed incidents and the rules' deadlines with the
command line a compliance officer would use, records one notice, and grabs the
register: each incident with regulatory exposure, its notice against the regulation's
deadline, the legal sign-off, the packets sent and recovery against the service's RTO.
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
    save_grab,
    screen_size,
    settle,
    wait_until_idle,
)

SIZE = (1280, 800)
# (incident, regulation, deadline the facilitator was told) for three exposed incidents.
EXPOSED = (
    ("demo:INC-1028", "GDPR Art. 33", "2026-05-31T12:00Z"),
    ("demo:INC-1075", "DORA Art. 19", "2026-07-02T09:00Z"),
    ("demo:INC-1114", "GDPR Art. 33", "2026-08-20T18:00Z"),
)


def irdesk(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "irdesk", *args], check=True, capture_output=True)


def name_regulations(db_path: Path) -> None:
    db = ["--db", str(db_path)]
    for incident, regulation, deadline in EXPOSED:
        irdesk(
            "classify",
            incident,
            *db,
            "--regulatory-exposure",
            regulation,
            "--notification-deadline",
            deadline,
        )
    irdesk("register", "rule", "GDPR", *db, "--hours", "72")
    irdesk("register", "rule", "DORA", *db, "--hours", "4", "--notice", "initial notification")
    irdesk(
        "register",
        "notice",
        "demo:INC-1028",
        *db,
        "--at",
        "2026-05-30T10:00Z",
        "--by",
        "Robin Compliance",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--size", type=screen_size, default=SIZE, metavar="WxH")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="irdesk-screenshot-") as scratch:
        folder = Path(scratch)
        offscreen_screen(folder, args.size)
        db_path = demo_database(folder)
        name_regulations(db_path)
        _app, window = open_window(db_path, folder, args.size)
        shown = window.register_actions.open_register()
        if shown is None:
            raise SystemExit("screenshot: the register did not open")
        wait_until_idle(window)
        settle(300)
        save_grab(shown, args.out)
        window.close()
    print(f"Wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
