"""Slack workspace and channel exports (format and source "slack").

Accepted files
--------------
An export as Slack writes it, as a folder or a zip (or several files of one): the
workspace files ``users.json``, ``channels.json`` (and ``groups.json``, ``dms.json``,
``mpims.json``, ``integration_logs.json``, ``canvases.json``, ``org_users.json``), and
one folder per channel holding one file per day, ``<channel>/<YYYY-MM-DD>.json``: a
list of messages ``{type: "message", user, text, ts, thread_ts?, reactions?,
pinned_to?, subtype?, files?}``.

The workspace files are recognised by their name and shape and give no records of
their own: a day file looks up its export's ``users.json`` and ``channels.json``
among the other files of the same import (the folder or zip root two levels up from
the day file), so the pipeline reads it with the import in view.

What becomes of a channel
-------------------------
Each day file becomes one EventBatch for its channel's incident, named by reference
(EventBatch.incident_ref), because Slack knows only how people name an incident:

- ``ImportOptions.slack_channels[channel]``, when the user linked the channel; such a
  channel must then find its incident, or the import stops naming it;
- else the channel's name: ``inc-12728-checkout`` → ``#12728``, ``incident-inc-1042``
  → ``INC-1042`` (``inc``/``incident`` prefix, then a number or a tracker key; a date
  after the prefix is no incident number);
- else its topic, then its purpose in ``channels.json``: the first incident URL,
  ``pagerduty:PH4UE4E``-style key, tracker key (``INC-1042``) or ``#12728`` in it.

The pipeline finds the incident among those of the same import (by their aliases) or
in the database (by external id or URL). A channel linked to none is skipped with a
warning; so is a guessed link that finds no incident.

Only messages from one hour before the incident started to 24 hours after it was
resolved (or verified) join its timeline (EventBatch.window); the others are counted
in a warning. When the incident's times are unknown, all of them do.

Messages
--------
Each message is a NOTE at its ``ts``, keyed ``<channel>:<ts>``, the actor resolved
through ``users.json`` (``real_name``, else ``profile.real_name``,
``profile.display_name``, ``name``; email ``profile.email``). Mentions, channel links
and URLs are written out as text (``<@U01ANA>`` → ``@Ana Pérez``); thread replies start
with "↳ "; shared files are listed by name. A pinned message, or one with the key
reaction (ImportOptions.key_reaction, ``pushpin`` by default), is a key moment. Bot
messages keep the bot's name in the text and have no actor: a bot is no person.
Joins, leaves, pins-as-messages, renames and archiving say nothing about the incident
and are left out.
"""

from irdesk.importers.formats.slack.export import sniff
from irdesk.importers.formats.slack.files import FORMAT, parse

__all__ = ["FORMAT", "parse", "sniff"]
