"""Tools › Organisation…: the imported on-call directory, and the values typed by hand.

Teams, rotations (who was on them on a chosen day), people, services and escalation
policies, each a filterable list. Their fields are typed in a form beside the list, each
value in force from a chosen day, and written through storage/records/directory_edits:
kept apart from what the import brought, marked ✎ with the import's value in the
tooltip, listed over time, audited, and undone from the main window's undo stack.
"""
