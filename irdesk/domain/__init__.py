"""The vocabulary of incident reviews: plain Python, no Qt, no I/O."""
