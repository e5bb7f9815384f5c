"""Source formats (PagerDuty, Opsgenie, Jira, Statuspage, Slack, CSV) into domain objects."""
