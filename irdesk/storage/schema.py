"""Schema revisions: which ones this irdesk knows, and upgrading to the newest."""

from importlib import resources

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

# "IRDK": written into the SQLite header so irdesk files are recognisable.
APPLICATION_ID = 0x4952444B


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    location = resources.files("irdesk.storage") / "migrations"
    config.set_main_option("script_location", str(location))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def script_directory() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    head = script_directory().get_current_head()
    if head is None:  # pragma: no cover - the package always ships revisions
        raise RuntimeError("irdesk ships no schema revisions")
    return head


def known_revisions() -> list[str]:
    """Oldest first."""
    return [rev.revision for rev in reversed(list(script_directory().walk_revisions()))]


def upgrade(connection: Connection, target: str = "head") -> None:
    command.upgrade(alembic_config(connection), target)
