"""The incident list, the incident's overview and linking incidents by hand."""
