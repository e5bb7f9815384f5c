"""The `irdesk` command: the GUI by default, headless commands for scripts."""
