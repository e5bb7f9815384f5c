"""Review packets: composition (reportlab), redaction, manifest, signing and verification (pyHanko)."""
