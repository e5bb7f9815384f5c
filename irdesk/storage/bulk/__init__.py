"""Bulk reads and writes in raw SQL: the import writer and the metric column scan."""
