"""Review packet export, verification and countersigning in the window."""
