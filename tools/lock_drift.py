"""Name the installed packages whose versions differ from the lock's.

`make test-latest` prints this before its tests, so a failure there comes with the
list of upgrades that brought it. Run by the venv's own Python: it reports that venv.
"""

import re
import sys
from importlib import metadata
from pathlib import Path

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked_versions(lock: Path) -> dict[str, set[str]]:
    """Each package's pinned versions: one per line, more when markers split them by Python."""
    pins: dict[str, set[str]] = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        found = PIN.match(line)
        if found:
            pins.setdefault(canonical(found[1]), set()).add(found[2])
    return pins


def main(lock: Path) -> int:
    pins = locked_versions(lock)
    drift = []
    for dist in metadata.distributions():
        name = canonical(dist.metadata["Name"])
        if name in pins and dist.version not in pins[name]:
            drift.append(f"  {name} {dist.version} (lock: {', '.join(sorted(pins[name]))})")
        elif name not in pins and name not in {"irdesk", "pip"}:
            drift.append(f"  {name} {dist.version} (not in the lock)")
    if drift:
        print(f"Versions that differ from {lock}:", *sorted(drift), sep="\n")
    else:
        print(f"Every installed version is the one {lock} pins.")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
