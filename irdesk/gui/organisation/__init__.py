"""Tools › Organisation…: the imported on-call directory, and the values typed by hand.

Teams, rotations (who was on them on a chosen day), people, services and escalation
policies, each a filterable list. People's and services' fields are typed in a form
beside the list and written through storage/records/directory_edits: kept apart from
what the import brought, marked ✎ with the import's value in the tooltip, audited,
and undone from the main window's undo stack.
"""
