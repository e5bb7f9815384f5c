"""Files that appear under their final name only when complete: backups and new databases.

A copy is written under a hidden name beside its destination, checked, flushed to the
disk (the file, then its folder's entry), and only then renamed. A crash, a kill or a
full disk at any moment leaves either no file under the final name or a complete one;
what a failure leaves under the hidden name is removed when the failure can be caught
(a kill cannot be: its leftover is hidden and named for the process that made it).

Packets and signing identities have their own atomic writer in reports; this one is
for the database files storage makes.
"""

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path


def partial_name(final: Path, what: str) -> Path:
    """The hidden name `final` is written under: beside it, so the rename stays on one disk."""
    return final.with_name(f".{final.name}.{what}-{os.getpid()}")


def sync_file(path: Path) -> None:
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


def sync_folder(folder: Path) -> None:
    """Make a rename or a new name in `folder` survive a power cut (not on every system)."""
    with contextlib.suppress(OSError):  # some file systems cannot open a folder for this
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def remove_quietly(*paths: Path) -> None:
    """Remove what a failed step made; a file that cannot be removed must not hide the failure."""
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)


def move_into_place(partial: Path, final: Path, *, replace: bool) -> bool:
    """Rename the complete `partial` to `final` after flushing it; True when done.

    Without `replace`, a file that appeared under `final` meanwhile (another process
    made it) is kept and False returned, `partial` left for the caller: a hard link
    creates `final` only if it is absent, in one step. A file system without hard
    links falls back to a check and a rename.
    """
    sync_file(partial)
    if replace:
        partial.replace(final)
    else:
        try:
            os.link(partial, final)
        except FileExistsError:
            return False
        except OSError:
            if final.exists():
                return False
            partial.replace(final)
        else:
            partial.unlink()
    sync_folder(final.parent)
    return True


@contextlib.contextmanager
def removed_on_failure(*paths: Path) -> Iterator[None]:
    """Remove `paths` when the block fails, whatever the failure (an interrupt included)."""
    try:
        yield
    except BaseException:
        remove_quietly(*paths)
        raise
