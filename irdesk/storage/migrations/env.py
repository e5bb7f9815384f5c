"""Alembic runs this with the connection irdesk hands it (see storage.schema)."""

from alembic import context
from sqlmodel import SQLModel

import irdesk.domain.models  # noqa: F401  (registers the tables on SQLModel.metadata)

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=True,  # SQLite can only ALTER a table by copying it
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
