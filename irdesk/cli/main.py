"""The `irdesk` command: the GUI by default, headless commands for scripts.

Exit codes: 0 success, 1 the work failed or the command line was wrong (one sentence on
stderr, nothing changed).
"""

import argparse
import gc
import os
import sys
import warnings
from collections.abc import Callable, Sequence

from irdesk.cli.common import CommandFailed, UsageError
from irdesk.cli.parser import build_parser
from irdesk.domain.metrics.kernels.memory import keep_array_memory
from irdesk.storage.errors import DatabaseError

# Set to anything but "" or "0" to see what irdesk's libraries warn about.
DEBUG_VARIABLE = "IRDESK_DEBUG"
# Any module but irdesk's own: `filterwarnings` matches this at the start of the name
# of the module a warning is attributed to.
NOT_IRDESK = r"(?!irdesk(\.|$))"


def main(argv: Sequence[str] | None = None) -> int:
    """The command line; `argv` None means this process's own, and the process ends after."""
    if argv is None:
        quiet_third_party_warnings()
        keep_array_memory()  # before the first figures: see kernels/memory.py
    try:
        return _run(argv)
    except BrokenPipeError:
        # `irdesk import … | head`: the reader left; what was done is done, say nothing more.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def quiet_third_party_warnings() -> None:
    """Keep the libraries' warnings off the user's terminal.

    A deprecation inside pyHanko or matplotlib is for their developers, or for ours
    when we upgrade them (the tests and `make test-latest` show them); a facilitator
    exporting a packet can do nothing about it. Warnings attributed to irdesk's own
    modules (its own, and a library's complaint about how irdesk calls it) keep
    Python's usual handling. Python's -W, PYTHONWARNINGS, -X dev or IRDESK_DEBUG
    leave every warning as Python would show it.
    """
    if sys.warnoptions or sys.flags.dev_mode or os.environ.get(DEBUG_VARIABLE, "") not in ("", "0"):
        return
    warnings.filterwarnings("ignore", module=NOT_IRDESK)


def _run(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        code = handler(args)
    except UsageError as mistake:
        print(mistake, file=sys.stderr)
        code = 1  # a wrong command line, as argparse's own errors (cli/parser.py)
    except (CommandFailed, DatabaseError) as failure:
        # DatabaseError: storage's one sentence naming the file (locked, read-only, full,
        # damaged, …), raised after its transaction rolled back, from whichever command.
        print(f"irdesk: error: {failure}", file=sys.stderr)
        code = 1
    if args.command == "import" and argv is None:  # the `irdesk` script or `python -m irdesk`
        _ending_process()
    return code


def _ending_process() -> None:
    """Spare the ending process the interpreter's last collections.

    At exit Python walks every object still alive (SQLAlchemy's, alembic's, the
    models') looking for cycles, for memory the operating system reclaims anyway.
    Frozen objects are still freed, flushed and closed as usual when their references
    go; only cyclic garbage is left to the operating system instead of being
    finalised. So this is only for the import command, once it has closed its
    database (everything committed or rolled back) and written its output and
    remembered mappings; not for the window, whose Qt objects may need their
    destructors, nor for a caller in-process, which goes on running.
    """
    gc.freeze()
