"""What a compliance officer's terminal shows: irdesk's own words, nothing from its libraries.

A library's deprecation (pyHanko importing DSA under cryptography 51, say) is for
irdesk's developers, who see it in the tests and in `make test-latest`; a user
exporting a packet sees only what irdesk says. Each command runs as a real process
on a real export imported first, with nothing asking for warnings (no -W,
PYTHONWARNINGS or IRDESK_DEBUG).
"""

import os
import sqlite3
import subprocess
import sys
import warnings
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from testdata import SHARED_DATA

from irdesk.cli.main import quiet_third_party_warnings

pytestmark = pytest.mark.slow


def irdesk(*args: str) -> subprocess.CompletedProcess[str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"PYTHONWARNINGS", "IRDESK_DEBUG", "PYTHONDEVMODE"}
    }
    env["IRDESK_PASSPHRASE"] = "a phrase for the test identity"
    return subprocess.run(
        [sys.executable, "-m", "irdesk", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )


def test_import_identity_packet_verify_and_countersign_print_nothing_on_stderr(
    tmp_path: Path,
) -> None:
    db = tmp_path / "irdesk.db"
    identity = tmp_path / "officer.p12"
    packet = tmp_path / "legal.pdf"
    steps = [
        ("import", str(SHARED_DATA / "pagerduty_incidents_page.json"), "--db", str(db)),
        ("identity", "create", str(identity), "--name", "Aiko Tanaka"),
    ]
    for step in steps:
        done = irdesk(*step)
        assert (done.returncode, done.stderr) == (0, ""), step
    with closing(sqlite3.connect(db)) as conn, conn:
        (incident,) = conn.execute("SELECT id FROM incident ORDER BY id LIMIT 1").fetchone()

    signing = ("--sign", str(identity), "--db", str(db))
    trusted = ("--trust", str(identity.with_suffix(".pem")))
    steps = [
        ("packet", str(incident), "--profile", "legal", "--out", str(packet), *signing),
        ("verify", str(packet), *trusted),
        ("countersign", str(packet), "--sign", str(identity), "--db", str(db)),
        ("verify", str(packet), *trusted),
    ]
    for step in steps:
        done = irdesk(*step)
        assert (done.returncode, done.stderr) == (0, ""), step
        assert done.stdout  # each says what it did
    assert done.stdout.count("valid; signed by the key you named (officer.pem)") == 2
    # Without a key to trust, verify says so on stdout (and exits 1), still nothing on stderr.
    unverified = irdesk("verify", str(packet))
    assert (unverified.returncode, unverified.stderr) == (1, "")
    assert "result: NOT VERIFIED" in unverified.stdout


@pytest.fixture
def entry_point_filters(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Warnings as a fresh `irdesk` process has them: Python's defaults, no -W."""
    monkeypatch.delenv("IRDESK_DEBUG", raising=False)
    monkeypatch.setattr(sys, "warnoptions", [])
    with warnings.catch_warnings():
        warnings.resetwarnings()
        warnings.simplefilter("always")
        yield


def _shown_after_the_entry_point(module: str) -> list[str]:
    quiet_third_party_warnings()
    with warnings.catch_warnings(record=True) as caught:
        warnings.warn_explicit("a warning", UserWarning, "somewhere.py", 1, module=module)
    return [str(w.message) for w in caught]


@pytest.mark.usefixtures("entry_point_filters")
@pytest.mark.parametrize("module", ["pyhanko.sign.signers.pdf_cms", "matplotlib", "irdeskish"])
def test_a_librarys_warning_is_not_shown(module: str) -> None:
    assert _shown_after_the_entry_point(module) == []


@pytest.mark.usefixtures("entry_point_filters")
@pytest.mark.parametrize("module", ["irdesk", "irdesk.reports.signing.sign"])
def test_irdesks_own_warning_still_shows(module: str) -> None:
    assert _shown_after_the_entry_point(module) == ["a warning"]


@pytest.mark.usefixtures("entry_point_filters")
def test_irdesk_debug_shows_the_libraries_warnings_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IRDESK_DEBUG", "1")
    assert _shown_after_the_entry_point("pyhanko.sign.signers.pdf_cms") == ["a warning"]


@pytest.mark.usefixtures("entry_point_filters")
def test_python_w_option_shows_the_libraries_warnings_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "warnoptions", ["default"])
    assert _shown_after_the_entry_point("pyhanko.sign.signers.pdf_cms") == ["a warning"]
