"""Signing identities, PAdES signatures, countersigning and verification (pyHanko)."""
