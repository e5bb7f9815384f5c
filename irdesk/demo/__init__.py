"""The demo organisation: generated on top of storage, so the app opens on something real."""
