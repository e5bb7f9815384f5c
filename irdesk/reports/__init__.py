"""Charts, PDF review packets, redaction, signing and verification."""
