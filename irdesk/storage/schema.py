"""Schema revisions: which ones this irdesk knows, and upgrading to the newest.

Opening a current file only needs to know the revisions. They come from
schema_revisions.py, generated from the migration scripts (see head_schema), not
from alembic: importing alembic and walking its scripts is a good part of a
headless command's start-up. Alembic is imported only to create or upgrade a file.
"""

from collections.abc import Callable
from importlib import resources
from pathlib import Path
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


# (step, steps, name) before each migration runs: 2, 3, "metric read indexes".
StepStarted = Callable[[int, int, str], None]


def step_name(script_path: str) -> str:
    """A migration as a person reads it: its file's name without the number
    (0027_metric_read_indexes.py: "metric read indexes")."""
    return Path(script_path).stem.partition("_")[2].replace("_", " ")


def upgrade(
    connection: "Connection", target: str = "head", on_step: StepStarted | None = None
) -> None:
    """Migrate to `target` in the connection's transaction; with `on_step`, one
    migration at a time, named before it starts, since one may take minutes on a big
    file (rebuilding an index) and a terminal or window saying nothing looks hung."""
    from alembic import command

    config = alembic_config(connection)
    if on_step is None:
        command.upgrade(config, target)
        return
    from alembic.migration import MigrationContext

    current = MigrationContext.configure(connection).get_current_revision()
    scripts = list(script_directory().iterate_revisions(target, current or "base"))
    scripts.reverse()  # alembic walks from the target down; they run oldest first
    for number, script in enumerate(scripts, start=1):
        on_step(number, len(scripts), step_name(script.path))
        command.upgrade(config, script.revision)
