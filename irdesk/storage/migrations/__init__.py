"""Alembic environment and revisions of the irdesk schema."""
