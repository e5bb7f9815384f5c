"""The `irdesk` command: the GUI by default, headless commands for scripts.

Exit codes: 0 success, 1 the work failed (message on stderr), 2 bad usage.
"""

import argparse
import gc
import os
import sys
from collections.abc import Callable, Sequence

from irdesk.cli.common import CommandFailed, UsageError
from irdesk.cli.parser import build_parser


def main(argv: Sequence[str] | None = None) -> int:
    """The command line; `argv` None means this process's own, and the process ends after."""
    try:
        return _run(argv)
    except BrokenPipeError:
        # `irdesk import … | head`: the reader left; what was done is done, say nothing more.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _run(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        code = handler(args)
    except UsageError as mistake:
        print(mistake, file=sys.stderr)
        code = 2  # a wrong command line, like argparse's own errors
    except CommandFailed as failure:
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
