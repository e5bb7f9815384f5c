"""Alembic runs this with the connection irdesk hands it (see storage.schema)."""

from alembic import context
from sqlmodel import SQLModel

import irdesk.domain.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from irdesk.storage.schema import is_search_index

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=True,  # SQLite can only ALTER a table by copying it
    compare_type=True,
    include_name=lambda name, kind, _parents: kind != "table" or not is_search_index(name),
)
with context.begin_transaction():
    context.run_migrations()
