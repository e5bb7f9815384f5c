"""The metric definitions in words, as a policy makes them: what packets print and record.

Written from the same spans and settings the figures are computed with
(`durations.span`, the policy), so a packet's manifest says what its numbers
mean under the version that made them, and no second list can drift.
"""

from irdesk.domain.metrics.durations import SPANS, span
from irdesk.domain.policy import KPIS, Policy

# The definitions an incident packet needs; a period packet uses every one.
LIFECYCLE = KPIS


def _weighting(policy: Policy) -> str:
    if policy.weighting == "equal":
        return "every incident counts once"
    if policy.weighting == "severity":
        weights = ", ".join(f"{k} {v:g}" for k, v in sorted(policy.severity_weights.items()))
        return f"incidents weighted by severity ({weights})"
    return "incidents weighted by their downtime cost"


def _kpi(kpi: str, policy: Policy) -> str:
    start, end = span(kpi, policy)
    text = f"{end}_at − {start}_at"
    if kpi == "time_to_resolve" and end != SPANS[kpi][1]:
        text += " (the policy counts post-incident verification)"
    return text


# A definition's key → the figure (policy.FIGURES) it defines, where the two differ.
DEFINITION_FIGURES = {
    "slo_adherence": "slo",
    "on_call_load": "rotations",
    "postmortem_compliance": "compliance",
}


def metric_definitions(policy: Policy, keys: tuple[str, ...] | None = None) -> dict[str, str]:
    """Figure → its definition under `policy`; `keys` picks some (default: all)."""
    shift, week = policy.pages_per_shift, policy.after_hours_pages_per_week
    excluded = [
        reason
        for reason, on in (
            ("an external cause", policy.exclude_external_cause),
            ("approved technical debt", policy.exclude_approved_tech_debt),
        )
        if on
    ]
    accountability = (
        f"incidents with {' or '.join(excluded)} are left out of team and individual figures "
        "(never out of service SLO figures)"
        if excluded
        else "no incident is left out of team and individual figures"
    )
    definitions = {kpi: _kpi(kpi, policy) for kpi in KPIS}
    definitions |= {
        "aggregates": f"median and p90 over the incidents counted ({_weighting(policy)}); the "
        "mean only on request. An incident missing either time is counted as missing, never as "
        "zero; one whose times contradict each other is excluded and counted",
        "period": "an incident belongs to the period in which its impact started (its detection "
        "when the start is unknown); one merged into another counts once, as the other",
        "exclusions": accountability,
        "within_target": "share of incidents inside the policy's target for their severity",
        "trend": f"rolling {policy.trend_window_days}-day median per severity, weekly; change: "
        "this period's median minus the previous period's of the same length",
        "slo_adherence": "per service, availability = 1 − impact minutes / minutes in its SLO "
        "window (the service's own window of days ending with the period, else the period); "
        "impact runs from the start (else detection) to mitigation (else resolution, else the "
        "window's end), overlapping incidents counted once; error budget = (1 − SLO target) × "
        "minutes in the window; a service no directory describes has the default target, "
        "and is shown so",
        "cost": "downtime cost (the incident's own, when a classification or its source states "
        "it, else downtime minutes × the service's cost per minute) + responder hours × their "
        f"hourly rate ({policy.default_hourly_rate:g} an hour for people without one)",
        "on_call_load": "pages per person, after hours in their own time zone (the policy's, "
        f"{policy.default_time_zone}, for people whose zone is unknown), and their spread "
        "across each rotation by who was on it when (Gini coefficient over its members, 0 = "
        f"even); alert fatigue: more than {shift} pages in a "
        f"{policy.shift_hours}-hour shift or {week} after-hours pages in a week",
        "team": "an incident's team is its service's owner; else the team of the first person "
        "paged who was on a rotation when it started; else that of who resolved it, or of the "
        "first to act in it",
        "postmortem_compliance": "reviews the policy requires, completed within "
        f"{policy.postmortem_deadline_days} days of resolution (full postmortem) or "
        f"{policy.lightweight_deadline_days} days (lightweight summary)",
    }
    # A figure the version retired is not shown, so its definition would define nothing.
    definitions = {
        k: v for k, v in definitions.items() if policy.shows(DEFINITION_FIGURES.get(k, k))
    }
    if keys is None:
        return definitions
    return {k: definitions[k] for k in keys if k in definitions}
