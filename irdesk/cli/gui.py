"""`irdesk` with no command: the window, on --db, the user's database, or a fresh --demo."""

import argparse
import os
import sys

from irdesk.cli.common import CommandFailed, today
from irdesk.storage import paths

HEADLESS_HINT = "Headless commands work without one: irdesk import, irdesk metrics, irdesk demo, irdesk packet, irdesk countersign, irdesk verify, irdesk identity, irdesk db check, irdesk db upgrade (see irdesk --help)."


def display_problem() -> str | None:
    """Why a window cannot be shown here, or None. Checked before Qt aborts the process."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return None
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        return "no display found (neither DISPLAY nor WAYLAND_DISPLAY is set), so the irdesk window cannot open."
    return None


def cmd_gui(args: argparse.Namespace) -> int:
    problem = display_problem()
    if problem:
        raise CommandFailed(f"{problem}\n{HEADLESS_HINT}")
    if args.demo:
        from irdesk.demo.generator import DEFAULT_SEED, write_demo

        path = paths.demo_database()
        write_demo(path, seed=DEFAULT_SEED, anchor=today(), overwrite=True)
    else:
        path = args.db or paths.default_database()
    # Qt is imported here and only here: every headless command starts without it.
    from irdesk.gui.app import run_gui

    return run_gui(path)
