"""The lock a fresh machine installs: everything pyproject.toml asks for, pinned, hashed.

`make run` and `make test` install requirements/lock.txt with `pip install
--require-hashes --no-deps`, so a package missing from it, or one pinned outside
pyproject.toml's range, would only show on the next fresh machine.
"""

import re
import tomllib
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "requirements" / "lock.txt"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def lock_entries() -> list[tuple[str, Version, Marker | None, list[str]]]:
    """(name, version, marker, hashes) for each pin: one requirement over its continuation lines."""
    text = LOCK.read_text(encoding="utf-8")
    entries = []
    for block in re.split(r"\n(?=[A-Za-z0-9])", "\n" + text):
        first, _, rest = block.strip().partition("\n")
        if not first or first.startswith("#"):
            continue
        requirement = Requirement(first.rstrip(" \\"))
        (pin,) = requirement.specifier
        assert pin.operator == "==", f"{first!r} is not an exact pin"
        hashes = re.findall(r"--hash=sha256:([0-9a-f]{64})", rest)
        entries.append(
            (canonicalize_name(requirement.name), Version(pin.version), requirement.marker, hashes)
        )
    return entries


def pinned_here() -> dict[str, Version]:
    """The version this interpreter and platform get of each package the lock pins for them."""
    return {
        name: version
        for name, version, marker, _ in lock_entries()
        if marker is None or marker.evaluate()
    }


def requirements_of_pyproject() -> list[Requirement]:
    asked = list(PYPROJECT["project"]["dependencies"])
    for extra in PYPROJECT["project"]["optional-dependencies"].values():
        asked += extra
    asked += PYPROJECT["build-system"]["requires"]
    return [Requirement(text) for text in asked]


def test_every_pin_is_exact_and_carries_the_hashes_pip_checks() -> None:
    entries = lock_entries()
    assert len(entries) > 50  # the whole tree, not just the direct dependencies
    for name, _, _, hashes in entries:
        assert hashes, f"{name} has no --hash, so `pip install --require-hashes` would refuse it"


@pytest.mark.parametrize("requirement", requirements_of_pyproject(), ids=str)
def test_the_lock_meets_every_range_in_pyproject(requirement: Requirement) -> None:
    pinned = pinned_here()
    name = canonicalize_name(requirement.name)
    assert name in pinned, f"{requirement} is not in {LOCK.name}: run `make lock`"
    assert requirement.specifier.contains(pinned[name], prereleases=True), (
        f"{LOCK.name} pins {name} {pinned[name]}, outside pyproject.toml's {requirement}"
    )


def test_the_extras_dependencies_are_locked_too() -> None:
    # The `[accel]` and `[opentype]` extras bring packages of their own.
    pinned = pinned_here()
    assert {"rl-accel", "uharfbuzz", "pandas", "pyinstaller", "mypy"} <= pinned.keys()
