"""What every screen shares: background work, autosave, undo, formatting, dialogs."""
