"""A throwaway PostgreSQL cluster in a temporary folder, on a Unix socket only.

For the tests and the benchmarks: `initdb` and `pg_ctl` from Debian's `postgresql`
package, no network (`listen_addresses=''`), no fsync (a test cluster is thrown
away, so durability buys nothing), trust authentication on the socket. PostgreSQL
refuses to run as root, so under root (CI) the cluster belongs to the `postgres`
system user that the Debian package creates.

    python tests/pg_cluster.py start DIR   # prints the connection URL
    python tests/pg_cluster.py stop DIR
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine

SUPERUSER = "irdesk_admin"


def bindir() -> Path | None:
    """The folder of initdb and pg_ctl: pg_config's answer, else Debian's newest."""
    pg_config = shutil.which("pg_config")
    if pg_config:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        found = Path(out.stdout.strip())
        if (found / "initdb").exists():
            return found
    versions = sorted(
        (
            found
            for found in Path("/usr/lib/postgresql").glob("*/bin")
            if found.parent.name.isdigit()
        ),
        key=lambda found: int(found.parent.name),
    )
    return versions[-1] if versions else None


def url(folder: Path, database: str = "postgres") -> str:
    return f"postgresql://{SUPERUSER}@/{database}?host={folder / 'socket'}"


def engine(url_: str) -> Engine:
    """An engine outside any transaction, for CREATE and DROP DATABASE."""
    from sqlalchemy import create_engine

    return create_engine(
        url_.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
    )


def _run(command: list[str]) -> None:
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {done.stderr.strip()}")


def start(folder: Path) -> str:
    """Make and start a cluster in `folder` (a new folder in a world-searchable one)."""
    binaries = bindir()
    if binaries is None:
        raise RuntimeError("PostgreSQL's server is not installed: apt-get install postgresql")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "socket").mkdir(exist_ok=True)
    if os.geteuid() == 0:
        # The server's user must reach its folder through the root-owned one above it.
        folder.parent.chmod(0o711)
        owner = pwd.getpwnam("postgres")
        for path in (folder, folder / "socket"):
            os.chown(path, owner.pw_uid, owner.pw_gid)
    data = folder / "data"
    if not (data / "PG_VERSION").exists():
        _run(
            [
                str(binaries / "initdb"),
                *("-D", str(data), "-U", SUPERUSER, "-A", "trust", "-E", "UTF8"),
                *("--locale=C", "--no-sync"),
            ]
        )
    options = (
        f"-c listen_addresses='' -k {folder / 'socket'} -c fsync=off -c full_page_writes=off"
        " -c synchronous_commit=off"
    )
    _run(
        [
            str(binaries / "pg_ctl"),
            *("-D", str(data), "-o", options, "-l", str(folder / "server.log"), "-w", "start"),
        ]
    )
    return url(folder)


def stop(folder: Path) -> None:
    binaries = bindir()
    if binaries is None or not (folder / "data" / "postmaster.pid").exists():
        return
    with contextlib.suppress(RuntimeError):  # already gone: nothing left to stop
        _run([str(binaries / "pg_ctl"), "-D", str(folder / "data"), "-m", "immediate", "stop"])


def server_cpu_seconds(folder: Path) -> float:
    """CPU seconds the cluster's processes have used so far: its backends' and helpers'
    (the postmaster's children, live ones read one by one, ended ones from what the
    postmaster reaped). For benchmarks, beside wall times on a loaded machine; 0 where
    /proc cannot be read."""
    ticks = os.sysconf("SC_CLK_TCK")

    def fields(pid: str) -> list[str]:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()

    try:
        postmaster = (folder / "data" / "postmaster.pid").read_text().split()[0]
        own = fields(postmaster)
    except (OSError, IndexError):
        return 0.0
    used = int(own[13]) + int(own[14])  # the reaped children's utime and stime
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError):
            child = fields(entry.name)
            if child[1] == postmaster:
                used += int(child[11]) + int(child[12])
    return used / ticks


if __name__ == "__main__":
    verb, where = sys.argv[1], Path(sys.argv[2]).resolve()
    if verb == "start":
        print(start(where))
    else:
        stop(where)
