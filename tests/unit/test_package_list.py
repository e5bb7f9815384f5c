"""The wheel carries every package: pyproject's explicit list names each folder of irdesk/."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_package_folder_is_listed_for_the_wheel() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    setuptools = config["tool"]["setuptools"]
    listed = set(setuptools["packages"])
    folders = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "irdesk").rglob("__init__.py")
    }
    mapped = set(setuptools.get("package-dir", {}))  # irdesk.resources, irdesk.docs: other folders
    assert folders - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"
    assert listed - folders - mapped == set(), "these listed packages have no folder"
