"""Read models: the plain rows and records the windows, commands and packets read."""
