"""File › Import: preview, column mapping, clock offsets, Slack links, write."""
