"""Schema revisions: which ones this irdesk knows, and upgrading to the newest.

Opening a current file only needs to know the revisions. They come from
schema_revisions.py, generated from the migration scripts (see head_schema), not
from alembic: importing alembic and walking its scripts is a good part of a
headless command's start-up. Alembic is imported only to create or upgrade a file.
"""

from importlib import resources
from typing import TYPE_CHECKING

from irdesk.storage.schema_revisions import REVISIONS

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from sqlalchemy.engine import Connection

# "IRDK": written into the SQLite header so irdesk files are recognisable.
APPLICATION_ID = 0x4952444B

# The incident list's FTS5 index (migration 0017): derived from `incident` by triggers,
# so no model describes it. SQLite keeps it in shadow tables named after it.
SEARCH_INDEX = "incident_search"


def is_search_index(name: str | None) -> bool:
    """Whether `name` is the search index or one of its shadow tables, which comparing
    the file with the models leaves out and the head schema creates with the index."""
    return name is not None and (name == SEARCH_INDEX or name.startswith(f"{SEARCH_INDEX}_"))


def alembic_config(connection: "Connection | None" = None) -> "Config":
    from alembic.config import Config

    config = Config()
    location = resources.files("irdesk.storage") / "migrations"
    config.set_main_option("script_location", str(location))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def script_directory() -> "ScriptDirectory":
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    return REVISIONS[-1]


def known_revisions() -> list[str]:
    """Oldest first."""
    return list(REVISIONS)


def upgrade(connection: "Connection", target: str = "head") -> None:
    from alembic import command

    command.upgrade(alembic_config(connection), target)
