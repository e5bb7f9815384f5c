"""PagerDuty REST API v2: incidents and their log entries.

Accepted files
--------------
- An incidents page, ``{"incidents": [...], "limit", "offset", "more", "total"}`` as
  ``GET /incidents`` returns it (``total`` may be null), a bare JSON list of incidents, or
  one incident ``{"incident": {...}}`` as ``GET /incidents/{id}`` returns it.
- A log-entries page, ``{"log_entries": [...], "limit", "offset", "more", "total"}`` as
  ``GET /log_entries`` or ``GET /incidents/{id}/log_entries`` returns it, or a bare list of
  log entries. Each entry names its incident (``incident.id``); the entries come back as one
  EventBatch per incident, in time order.
- Airbyte's PagerDuty connector output: JSON Lines of ``{"stream", "data", "emitted_at"}``.
  Streams ``incidents`` and ``incident_logs`` (also ``log_entries``) are read; any other
  stream (users, services, teams, …) is skipped with a warning.

Lifecycle rules (where each irdesk timestamp comes from)
--------------------------------------------------------
- started_at: the incident's ``created_at``. PagerDuty knows nothing earlier than its own
  trigger; when impact began before the alert, the facilitator corrects started_at.
- detected_at: ``created_at`` too: the trigger is the detection.
- acknowledged_at: the earliest ``acknowledgements[].at``. PagerDuty empties that list
  once an incident resolves, so resolved incidents in an incidents page usually have
  none; the ACKNOWLEDGE events from the incident's log entries are then what it can be
  derived from.
- mitigated_at: never set; PagerDuty has no mitigated state.
- resolved_at: ``resolved_at`` (API responses since 2023). Without that field (or with it
  null) and ``status`` resolved: ``last_status_change_at`` (v1: ``last_status_change_on``),
  because a resolved PagerDuty incident cannot change status again, so its last status
  change is its resolution.
- verified_at: never set.

Timeline events
---------------
From an incident alone: ALERT at ``created_at`` for ``first_trigger_log_entry`` (keyed by
that log entry's id, text its summary); one ACKNOWLEDGE per ``acknowledgements[]`` entry
(keyed ``ack:<acknowledger id>:<at>``); one STATUS_CHANGE "Assigned to …" per
``assignments[]`` entry, its actor the assignee (keyed ``assign:<assignee id>:<at>``,
so that an export made after the list was emptied keeps it); RESOLVE at resolved_at when resolved (keyed
``resolved``, actor ``last_status_change_by``).

From log entries: keyed by the log entry id, except acknowledge and resolve entries,
which take the keys above so that an incident and its log entries imported in any order
give one event per moment, not two. Kinds: trigger → ALERT, notify → PAGE (actor: the
person notified), acknowledge → ACKNOWLEDGE, escalate / assign / delegate /
repeat_escalation_path / exhaust_escalation_path / responder_request → ESCALATE,
annotate → NOTE (text: the note), resolve → RESOLVE, status_update → COMMUNICATION,
unacknowledge / snooze / unsnooze / reach_ack_limit / urgency_change / priority_change /
merge → STATUS_CHANGE, anything else → NOTE (with a warning naming the type). The actor
is ``agent`` when it is a user; services and integrations are no person. rules.py holds
these as one table, with where each kind's text comes from.
"""

from irdesk.importers.formats.pagerduty.pages import FORMAT, parse, sniff

__all__ = ["FORMAT", "parse", "sniff"]
