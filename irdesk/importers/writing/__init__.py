"""The write step of an import: what each parsed record inserts, updates or reports.

Decided here, without SQL; irdesk.storage.bulk looks up what is stored and sends the rows.
"""
