"""How an import tells its caller how far it got: the steps, in words the window shows."""

from collections.abc import Callable

# (what, done, total), before each file and while writing; raising from it stops the
# import, and while writing rolls the transaction back.
Progress = Callable[[str, int, int], None]

WRITING = "Writing to the database"  # once, when every file is read
WRITING_EVENTS = "Writing timeline events"  # rows done of rows to write


def reading(file_name: str) -> str:
    return f"Reading {file_name}"
