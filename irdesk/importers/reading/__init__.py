"""Reading files as the tools write them: sources, located JSON, timestamps, severities."""
