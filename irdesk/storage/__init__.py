"""The SQLite file: opening, migrating, checking and querying it."""
