"""Jira issues as incidents, from two exports of the same issues: the REST API's JSON
(json_issues, format "jira") and the CSV export (csv_export, format "jira-csv").

Both key an incident by its issue key, so a CSV and a JSON export of one issue update
the same incident; they share the status categories (statuses) and the references to
other tools found in free text (references).
"""

# The source of every record either export gives.
SOURCE = "jira"
