"""Writing a file a user keeps (a packet, an identity, a certificate): whole, or not at all.

One way for every such file, because each shortcut has bitten someone:

- a fixed partial name (`.NAME.partial`) can be planted beforehand as a link, and
  the write then lands wherever the link points; the temporary file here has a
  random name and is created exclusively, never following a link (O_EXCL,
  O_NOFOLLOW), with its final permissions from the first byte;
- a crash or a full disk must not leave half a file under the user's name, so the
  data is flushed to disk (fsync) before the rename, and the folder after it, so
  the rename itself survives a power cut;
- a target that is not a regular file (a link, a device, a pipe, a folder) is
  refused: replacing `/dev/sda` or a link to someone else's file is never what
  `--force` meant;
- without `replace`, a file that appears meanwhile is not overwritten: the new
  file is published by a hard link, which fails when the name is taken.
"""

import errno
import os
import secrets
import stat
from pathlib import Path

# Readable by the user alone: private keys, and everything until the caller says otherwise.
PRIVATE = 0o600
# Documents meant for others (a packet, a certificate): the user's umask still applies.
SHARED = 0o644
_TEMP_ATTEMPTS = 20
# Filesystems without hard links (FAT, some network shares) answer with one of these.
_NO_HARD_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV, errno.EMLINK}


class FileWriteError(OSError):
    """The file was not written; the message names it and says why."""


class TargetExists(FileWriteError):
    """The target already exists and the caller did not ask to replace it."""


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def check_target(path: Path, *, replace: bool) -> None:
    """Raise unless `path` is free, or (with `replace`) a regular file that may be replaced."""
    try:
        found = os.lstat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise FileWriteError(f"{path} cannot be checked: {exc.strerror or exc}") from None
    if not stat.S_ISREG(found.st_mode):
        raise FileWriteError(
            f"{path} is {_kind(found.st_mode)}, and irdesk writes only new or regular files, "
            "so it was left as it is."
        )
    if not replace:
        raise TargetExists(f"{path} already exists, and was left as it is.")


def _create_temp(folder: Path, name: str, mode: int) -> tuple[Path, int]:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    for _ in range(_TEMP_ATTEMPTS):
        temp = folder / f".{name}.{secrets.token_hex(6)}.tmp"
        try:
            return temp, os.open(temp, flags, mode)
        except FileExistsError:
            continue
    raise FileWriteError(f"no free temporary name in {folder} to write {name}")


def _fsync_folder(folder: Path) -> None:
    handle = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(handle)
    except OSError as exc:
        # Some filesystems cannot sync a folder; the rename is then as durable as they allow.
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
            raise
    finally:
        os.close(handle)


def _publish(temp: Path, path: Path, *, replace: bool) -> None:
    if not replace:
        try:
            os.link(temp, path)
        except FileExistsError:
            raise TargetExists(f"{path} already exists, and was left as it is.") from None
        except OSError as exc:
            if exc.errno not in _NO_HARD_LINKS:
                raise
        else:
            temp.unlink()
            return
    # Checked again just before the rename: the window for a swap is as small as it gets,
    # and a rename replaces a link placed there after all, never what it points to.
    check_target(path, replace=replace)
    temp.replace(path)


def write_atomically(
    path: Path, data: bytes, *, replace: bool = False, mode: int = PRIVATE
) -> None:
    """Write `data` to `path` through a fresh temporary file beside it, then rename it over.

    `mode` is the file's permission from its first byte (less the user's umask).
    Raises `FileWriteError` (`TargetExists` when the name is taken and `replace` is
    False) with a sentence naming the file; no temporary file is left behind.
    """
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FileWriteError(f"cannot make the folder {folder}: {exc.strerror or exc}") from None
    check_target(path, replace=replace)
    try:
        temp, handle = _create_temp(folder, path.name, mode)
    except FileWriteError:
        raise
    except OSError as exc:
        raise FileWriteError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        _publish(temp, path, replace=replace)
        _fsync_folder(folder)
    except FileWriteError:
        temp.unlink(missing_ok=True)
        raise
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise FileWriteError(f"cannot write {path}: {exc.strerror or exc}") from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
