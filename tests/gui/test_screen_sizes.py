"""Every window and dialog fits the screens a review room has: 1024×768, 1280×800, 1920×1080,
and the same at 200 % scaling (a 2560×1600 laptop and a 3840×2160 monitor).

Runs screen_sizes_driver.py in a fresh process whose offscreen platform has one screen
of each size, on the sample incidents, and asserts that every window it opens lies
within its screen's available area with every button on screen.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sample_incidents import IncidentFile
from testdata import SHARED_DATA

DRIVER = Path(__file__).with_name("screen_sizes_driver.py")
SIZES = [(1024, 768), (1280, 800), (1920, 1080)]
# (physical screens, scale factor): the sizes windows lay themselves out in are logical.
SETUPS = {
    "100 %": (SIZES, "1"),
    "200 %": ([(2560, 1600), (3840, 2160)], "2"),
}
WINDOWS = {
    "main window",
    "import",
    "metrics dashboard",
    "policy",
    "organisation",
    "person",
    "team",
    "problems",
    "validation sample",
    "review packet",
    "compliance register",
    "review health",
    "calibration",
    "participant survey",
    "feedback notes",
    "themes",
    "your name",
    "note readers",
    "attendees",
    "add event",
    "correct event",
    "runbook step",
    "link incidents",
    "classify",
    "user guide",
    "keyboard shortcuts",
    "report a problem",
    "about",
    "crash",
    "upgrade progress",
}


@pytest.mark.slow
@pytest.mark.parametrize("setup", sorted(SETUPS))
def test_every_window_and_dialog_fits_every_screen_size(
    setup: str, incident_file: IncidentFile, tmp_path: Path
) -> None:
    sizes, scale = SETUPS[setup]
    screens, x = [], 0
    for index, (width, height) in enumerate(sizes):
        screens.append({"name": f"s{index}", "x": x, "y": 0, "width": width, "height": height})
        x += width
    config = tmp_path / "screens.json"
    config.write_text(json.dumps({"screens": screens}))
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": f"offscreen:configfile={config}",
        "QT_SCALE_FACTOR": scale,
    }
    sample = SHARED_DATA / "pagerduty_incidents_page.json"
    done = subprocess.run(
        [
            sys.executable,
            str(DRIVER),
            str(incident_file.path),
            str(tmp_path / "irdesk.ini"),
            "INC-101",
            str(sample),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(done.stdout.strip().splitlines()[-1])
    logical = [(w // int(scale), h // int(scale)) for w, h in sizes]
    assert sorted(results) == sorted(f"{w}x{h}" for w, h in logical)
    for size, windows in results.items():
        assert set(windows) == WINDOWS, size
    problems = {
        f"{size} {name}": found
        for size, windows in results.items()
        for name, found in windows.items()
        if found
    }
    assert problems == {}
