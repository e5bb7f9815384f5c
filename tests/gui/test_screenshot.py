"""packaging/screenshot.py keeps working: the README's picture is made by it."""

import importlib.util
from pathlib import Path
from types import ModuleType

from PySide6.QtGui import QImage
from sample_incidents import IncidentFile

SCRIPT = Path(__file__).resolve().parents[2] / "packaging" / "screenshot.py"


def load_script(script: Path = SCRIPT) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"irdesk_{script.stem}", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def drawn(image: QImage) -> bool:
    """Something was painted: text and widgets, not one flat colour (a blank image fails)."""
    colours: dict[int, int] = {}
    for y in range(0, image.height(), 4):
        for x in range(0, image.width(), 4):
            rgb = image.pixel(x, y)
            colours[rgb] = colours.get(rgb, 0) + 1
    background = max(colours.values())
    others = sum(colours.values()) - background
    return len(colours) >= 20 and others >= 0.02 * sum(colours.values())


def test_screenshot_renders_the_window_on_a_database(
    incident_file: IncidentFile, tmp_path: Path
) -> None:
    out = tmp_path / "shots" / "main-window.png"
    assert load_script().main([str(out), "--db", str(incident_file.path)]) == 0
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1400, 850)
    assert drawn(image)
    assert incident_file.path.exists()


def test_walk_screenshots_render_walk_and_presenter_mode(
    incident_file: IncidentFile, tmp_path: Path
) -> None:
    script = SCRIPT.with_name("screenshot_walk.py")
    out = tmp_path / "shots"
    assert load_script(script).main([str(out), "--db", str(incident_file.path)]) == 0
    walk = QImage(str(out / "walk-mode.png"))
    presenter = QImage(str(out / "presenter-mode.png"))
    assert (walk.width(), walk.height()) == (1400, 850)
    assert (presenter.width(), presenter.height()) == (1920, 1080)
    assert drawn(walk) and drawn(presenter)
    # High contrast: the projector's picture is mostly black.
    assert presenter.pixelColor(5, presenter.height() - 5).name() == "#000000"


def test_findings_screenshot_shows_a_flag_on_a_copy_of_the_database(
    incident_file: IncidentFile, tmp_path: Path
) -> None:
    before = incident_file.path.read_bytes()
    script = SCRIPT.with_name("screenshot_findings.py")
    spec = importlib.util.spec_from_file_location("irdesk_screenshot_findings", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path / "findings.png"
    assert module.main([str(out), "--db", str(incident_file.path)]) == 0
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1400, 850)
    assert drawn(image)
    assert incident_file.path.read_bytes() == before  # it typed into a copy


def test_review_health_and_calibration_screenshots_render_on_the_demo(tmp_path: Path) -> None:
    script = SCRIPT.with_name("screenshot_review_feedback.py")
    health, calibration = tmp_path / "review-health.png", tmp_path / "calibration.png"
    factors, notes = tmp_path / "calibration-factors.png", tmp_path / "calibration-notes.png"
    argv = [str(health), str(calibration), "--factors", str(factors), "--notes", str(notes)]
    assert load_script(script).main(argv) == 0
    for image in (QImage(str(p)) for p in (health, calibration, factors, notes)):
        # Their own windows, fitted inside the 1280x800 screen less the frame.
        assert 0 < image.width() <= 1264 and 0 < image.height() <= 752
        assert drawn(image)


def test_leave_screenshot_types_two_spans_on_the_samples(tmp_path: Path) -> None:
    # The tests' directory around pagerduty_incidents_page.json (tests/org_samples.py).
    script = SCRIPT.with_name("screenshot_organisation.py")
    out = tmp_path / "organisation-leave.png"
    argv = [str(out), "--samples", "--leave", "Akiko Almeda", "--size", "1280x800"]
    assert load_script(script).main(argv) == 0
    image = QImage(str(out))
    assert 0 < image.width() <= 1280 and 0 < image.height() <= 800
    assert drawn(image)


def test_team_database_screenshot_copies_the_demo_to_a_server_of_its_own(tmp_path: Path) -> None:
    script = SCRIPT.with_name("screenshot_team_database.py")
    out = tmp_path / "team-database-window.png"
    assert load_script(script).main([str(out)]) == 0
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1280, 800)
    assert drawn(image)
