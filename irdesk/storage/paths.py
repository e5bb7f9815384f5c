"""Every place irdesk keeps files, in one module so tests can move them all."""

import os
from pathlib import Path

import platformdirs

APP_NAME = "irdesk"
APP_AUTHOR = "irdesk"
# Tests and portable installs point everything at one folder.
ENV_HOME = "IRDESK_HOME"


def data_dir() -> Path:
    override = os.environ.get(ENV_HOME)
    if override:
        return Path(override) / "data"
    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def config_dir() -> Path:
    override = os.environ.get(ENV_HOME)
    if override:
        return Path(override) / "config"
    return Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR))


def default_database() -> Path:
    return data_dir() / "irdesk.db"


def demo_database() -> Path:
    """Where `irdesk --demo` writes its fresh copy of the demo organisation."""
    return data_dir() / "demo" / "irdesk-demo.db"
