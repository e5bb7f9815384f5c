"""What the demo's people write that fits any incident: chat, and managers' feedback notes.

Texts are str.format templates over the incident's context (see incidents.incident_context).
"""

# Chat that fits any incident: while responding, and while watching the fix hold.
RESPOND_NOTES = (
    "looking, pulling up the {service} dashboards",
    "joined the bridge",
    "anyone else seeing this on {region}?",
    "support reports {tickets} tickets about this so far",
    "impact starts around {start} UTC on the graphs",
    "checked the runbook, the first two steps didn't change anything",
    "{other}, can you take comms while I dig in?",
    "I'll keep notes in this thread so the timeline is easy to rebuild",
    "holding off on restarts until we've captured a thread dump",
    "upstream dependencies look normal",
    "error budget burn alert fired too, expect more pages",
    "adding {other}, they know this code path best",
    "logs are noisy but the pattern is clear now",
    "can someone reproduce it from a real customer account?",
    "drafting the status update, will post in 5",
    "going through the last 24h of changes to {service}",
)
MONITOR_NOTES = (
    "error rate back to baseline, watching for another 15 minutes",
    "latency and error graphs look normal again",
    "support confirms new tickets have stopped",
    "keeping the incident open until the next traffic peak has passed",
    "I'll write up the timeline while it's fresh",
    "closing the bridge, thanks everyone",
)

RECOGNITION_NOTES = (
    "Took incident command on {ext} within minutes of the page, handed comms to {other} and "
    "posted a summary in the channel every 15 minutes. The review timeline was easy to rebuild "
    "because of it.",
    "On {ext}, found the cause by reading the change log for {service} instead of restarting "
    "pods; that kept the outage short and the evidence intact.",
    "Stayed on the {ext} bridge past the end of the shift to hand over properly to {other}, with "
    "a written status and the open questions.",
    "Wrote the customer-facing updates for {ext}: accurate, free of jargon and on the promised "
    "cadence. Support quoted them directly.",
    "Pulled {other} into {ext} early instead of debugging alone; asking for help quickly is "
    "exactly what we want on {rotation}.",
    "Prepared the timeline for the {ext} review before the meeting, with links to every graph. "
    "The review finished in 40 minutes.",
)
GROWTH_NOTES = (
    "On {ext}, the page was acknowledged after {tta} minutes. Let's look together at phone "
    "notification settings for nights on call.",
    "On {ext}, kept debugging alone for about 25 minutes before escalating. Agreed to practise "
    "the 'escalate after two runbook steps' rule at the next game day.",
    "Status updates on {ext} went quiet for 40 minutes while the fix was in progress. Next time, "
    "hand comms to someone else as soon as hands-on work starts.",
    "Proposed a fix on {ext} without saying how to roll it back; let's pair on writing rollback "
    "steps into change descriptions.",
    "The notes in the {ext} channel were hard to follow afterwards. Try the incident note "
    "template: time, observation, action, result.",
)
PROCEDURAL_NOTES: tuple[tuple[str, bool | None], ...] = (
    (
        "Skipped the runbook's 'second pair of eyes' step on {ext} to restore {component} "
        "faster. Justified: the second engineer was still joining, the change was easy to "
        "reverse, and the deviation was announced in the channel before acting.",
        True,
    ),
    (
        "Restarted {host} during {ext} without announcing it in the incident channel, contrary "
        "to the runbook's 'announce before acting' step. The restart was not needed for "
        "mitigation and made the dashboards harder to read for a while.",
        False,
    ),
    (
        "Followed the {service} runbook on {ext} step by step, including the pre-checks, and "
        "logged each step in the channel.",
        None,
    ),
    (
        "Paged a second team directly on {ext} instead of going through the escalation policy, "
        "because the policy still pointed at last quarter's rotation. Justified; the stale "
        "policy is now an action item.",
        True,
    ),
    (
        "Changed production config by hand on {ext} rather than through the pipeline the "
        "runbook asks for. The pipeline was available, so the deviation was not needed; we "
        "talked about why the pipeline matters for the audit trail.",
        False,
    ),
)
