"""`irdesk` with no command: the window, on --db, the user's database, or a fresh --demo.

The user's own database starts as a copy of the demo organisation, so a first start
has something to explore; from then on it is the user's file, opened as it is and
never regenerated. `--demo` is the throwaway copy, rewritten on every start.
"""

import argparse
import os
import sys
from pathlib import Path

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
    elif args.db:
        path = args.db  # a file's path, or a team database's address (a ServerLocation)
    else:
        path = paths.default_database()
        # A dangling link is the user's file on a drive not mounted now: not a first start.
        if not (path.exists() or path.is_symlink()):
            first_start(path)
    # Qt is imported here and only here: every headless command starts without it.
    from irdesk.gui.app import run_gui

    return run_gui(path)


def first_start(path: Path) -> None:
    """Create the user's database at `path` holding the demo organisation, and say so.

    Never over a file: one that appears meanwhile (another irdesk starting) is kept,
    and the window opens it as it is.
    """
    from irdesk.demo.generator import DEFAULT_SEED, write_demo

    try:
        write_demo(path, seed=DEFAULT_SEED, anchor=today(), overwrite=False)
    except FileExistsError:
        return
    except OSError as exc:
        raise CommandFailed(f"{path}: cannot create your database there: {exc.strerror}.") from exc
    print(
        f"First start: created your database {path} with the demo organisation in it to "
        "explore. It is yours now: irdesk opens it as it is from now on, and "
        "`irdesk --db PATH` opens (or starts) another file."
    )
