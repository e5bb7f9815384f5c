"""The Timeline tab, walk mode and presenter mode."""
