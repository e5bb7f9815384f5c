"""The organisation's choices behind every figure, as one immutable, versionable value.

Every choice a figure depends on (which duration leads, how incidents are weighted,
thresholds and trends, what is left out, which reviews are due) is a field here, so a
figure can say under which version it was computed; the defaults follow the review
curriculum. A policy is stored as JSON (``to_json``/``from_json``); a
setting this irdesk no longer knows (a retired metric's) is kept in ``retired``
rather than refused, so an old version stays readable and recomputable.
"""

import copy
import json
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields, replace
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

SCHEMA = 1
SEVERITIES = ("SEV1", "SEV2", "SEV3", "SEV4", "SEV5")
KPIS = ("time_to_detect", "time_to_acknowledge", "time_to_mitigate", "time_to_resolve")
PRIMARY_KPIS = ("time_to_detect", "time_to_resolve")
WEIGHTINGS = ("equal", "severity", "downtime_cost")
EVALUATIONS = ("threshold", "trend", "both")
# What a surge period (a long incident, nights paged in a row) does to a person's figures:
# mark: listed beside them, the figures as counted; exclude: the surge's incidents are
# left out of that person's figures (and each peer's own surges out of the medians);
# adjust: the figures as counted, and beside each the figure without the surge's incidents.
SURGE_TREATMENTS = ("mark", "exclude", "adjust")
# What a policy version can retire: each figure by its table's key, and each duration's
# target (its attainment column) as "<kpi>_target".
FIGURES = (
    *KPIS,
    "severity_mismatch",
    "slo",
    "cost",
    "load",
    "rotations",
    "concentration",
    "follow_through",
    "recurrence",
    "compliance",
)
TARGETS = tuple(f"{kpi}_target" for kpi in KPIS)
RETIRABLE = FIGURES + TARGETS


class PolicyError(ValueError):
    """A policy setting is missing, of the wrong type or out of range; the message names it."""


def _default_thresholds() -> dict[str, dict[str, float]]:
    # Minutes. SEV1 acknowledged within 5 minutes, resolved within 2 hours, and so on.
    return {
        "time_to_detect": {"SEV1": 5, "SEV2": 10, "SEV3": 15, "SEV4": 30, "SEV5": 60},
        "time_to_acknowledge": {"SEV1": 5, "SEV2": 10, "SEV3": 15, "SEV4": 30, "SEV5": 60},
        "time_to_mitigate": {"SEV1": 60, "SEV2": 120, "SEV3": 240, "SEV4": 720, "SEV5": 1440},
        "time_to_resolve": {"SEV1": 120, "SEV2": 240, "SEV3": 480, "SEV4": 1440, "SEV5": 4320},
    }


def _default_contributing_factors() -> dict[str, list[str]]:
    # System-level domains a finding can be tagged with, each with the words in a
    # finding's text or its timeline that suggest it. People's choices are the system's
    # output, so no domain names a person's fault.
    return {
        "capacity": ["capacity", "saturation", "load", "quota", "memory", "disk", "throttl"],
        "change": ["deploy", "release", "rollout", "rollback", "config", "migration"],
        "communication": ["status page", "customer", "announce", "slack", "message", "notify"],
        "coordination": ["handoff", "hand-off", "escalat", "ownership", "on-call", "waiting"],
        "dependency": ["upstream", "downstream", "vendor", "third-party", "provider", "dns"],
        "detection": ["alert", "monitor", "page", "noticed", "dashboard", "detect"],
        "knowledge": ["unfamiliar", "documentation", "docs", "undocumented", "training"],
        "tooling": ["tool", "script", "runbook", "console", "automation", "pager"],
    }


# A contributing factor may never say a person failed: the review looks for the
# conditions that made the action sensible at the time.
REFUSED_FACTORS = ("human error", "operator error", "user error", "human factor")


# Settings added after policies were first stored, and what a stored version without one
# means: the rule did not exist when it was saved, so it stays off and figures computed
# under that version recompute as they were.
ADDED_LATER: dict[str, Any] = {
    "full_review_customer_severities": (),
    "retired_figures": {},
    "default_time_zone": "UTC",
    "controls": {},
    "contributing_factors": _default_contributing_factors(),
    # Before they were settings, surges were found with these and only marked.
    "surge_long_incident_hours": 4.0,
    "surge_consecutive_nights": 2,
    "surge_treatment": "mark",
}


def _as_before(name: str, value: Any, default: Any) -> bool:
    """Whether a setting added later holds both its default and the value older versions
    are read with: left out of the stored JSON, a policy that does not use it is stored
    as it was before the setting existed (`from_dict` gives the same value back)."""
    return name in ADDED_LATER and value == ADDED_LATER[name] == default


def _default_of(setting: Any) -> Any:
    """A dataclass field's default, whether given as a value or as a factory."""
    if setting.default is not MISSING:
        return setting.default
    if setting.default_factory is not MISSING:
        return setting.default_factory()
    return MISSING


def known_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _default_severity_weights() -> dict[str, float]:
    return {"SEV1": 16.0, "SEV2": 8.0, "SEV3": 4.0, "SEV4": 2.0, "SEV5": 1.0}


@dataclass(frozen=True)
class Policy:
    """Every choice the metrics depend on. Construct with keywords; invalid values raise PolicyError."""

    # What leadership is judged on; the other durations are always shown too.
    primary_kpi: str = "time_to_resolve"
    # equal: every incident counts once; severity: by severity_weights; downtime_cost: by cost.
    weighting: str = "equal"
    severity_weights: dict[str, float] = field(default_factory=_default_severity_weights)
    evaluation: str = "both"
    # kpi → severity → target minutes; a severity without a target is not evaluated.
    thresholds_minutes: dict[str, dict[str, float]] = field(default_factory=_default_thresholds)
    trend_window_days: int = 28
    # Resolve time ends at verified_at instead of resolved_at.
    verification_counts: bool = False
    # Left out of team and individual figures; always kept in service SLO figures.
    exclude_external_cause: bool = True
    exclude_approved_tech_debt: bool = True
    # Review tiering: what needs a full postmortem, what a lightweight summary.
    full_review_severities: tuple[str, ...] = ("SEV1", "SEV2")
    lightweight_review_severities: tuple[str, ...] = ("SEV3",)
    # What customers reported counts on its own (customer_severity), whatever ours says.
    full_review_customer_severities: tuple[str, ...] = ("SEV1", "SEV2")
    full_review_users_affected: int | None = 50_000
    full_review_on_recurrence: bool = True
    full_review_regulatory: bool = True
    postmortem_deadline_days: int = 5
    lightweight_deadline_days: int = 10
    # Recurrence: same service, similar title (word overlap), within the window.
    recurrence_window_days: int = 30
    recurrence_title_similarity: float = 0.5
    # Alert fatigue.
    pages_per_shift: int = 2
    shift_hours: int = 12
    after_hours_pages_per_week: int = 3
    business_hours_start: int = 9
    business_hours_end: int = 18
    # The wall clock of people whose own IANA zone nobody recorded.
    default_time_zone: str = "UTC"
    # Hero culture: one person resolving more than this share of a team's incidents.
    concentration_share: float = 0.5
    # For responders without an hourly rate of their own.
    default_hourly_rate: float = 90.0
    # Surge periods: an incident that took this many of a person's hours, and after-hours
    # pages on this many nights in a row; and what they do to that person's figures
    # (SURGE_TREATMENTS).
    surge_long_incident_hours: float = 4.0
    surge_consecutive_nights: int = 2
    surge_treatment: str = "mark"
    # Figures and targets this version no longer shows (figure or "<kpi>_target" → why):
    # hidden from the dashboard and packets under it, still computed for versions where
    # they were live.
    retired_figures: dict[str, str] = field(default_factory=dict)
    # The control or clause each figure or target satisfies (figure or "<kpi>_target" →
    # e.g. "SOC 2 CC7.4"), as the organisation writes it; the executive packet lists them.
    controls: dict[str, str] = field(default_factory=dict)
    # The organisation's taxonomy of contributing factors (factor → the words that
    # suggest it); findings are tagged with these, and themes count them. Stored JSON
    # sorts its keys, so factors are always listed alphabetically (`factor_names`).
    contributing_factors: dict[str, list[str]] = field(
        default_factory=_default_contributing_factors
    )
    # Settings from another irdesk version this one no longer uses, kept as they were.
    retired: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _validate(self)

    def with_changes(self, **changes: Any) -> "Policy":
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"schema": SCHEMA}
        for f in fields(self):
            if f.name == "retired":
                continue
            value = getattr(self, f.name)
            if _as_before(f.name, value, _default_of(f)):
                continue
            data[f.name] = list(value) if isinstance(value, tuple) else value
        data.update(self.retired)
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Policy":
        if not isinstance(data, Mapping):
            raise PolicyError("a policy must be a JSON object of settings")
        schema = data.get("schema", SCHEMA)
        if schema != SCHEMA:
            raise PolicyError(f"schema: this irdesk reads policy schema {SCHEMA}, not {schema!r}")
        known = {f.name for f in fields(cls)} - {"retired"}
        values: dict[str, Any] = {k: copy.copy(v) for k, v in ADDED_LATER.items() if k not in data}
        retired: dict[str, Any] = {}
        for key, value in data.items():
            if key == "schema":
                continue
            if key in known:
                values[key] = tuple(value) if isinstance(value, list) else value
            else:
                retired[key] = value
        return cls(**values, retired=retired)

    @classmethod
    def from_json(cls, text: str) -> "Policy":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise PolicyError(
                f"not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}"
            ) from exc
        return cls.from_dict(data)

    def threshold_seconds(self, kpi: str, severity: str) -> float | None:
        minutes = self.thresholds_minutes.get(kpi, {}).get(severity)
        return None if minutes is None else float(minutes) * 60.0

    def shows(self, figure: str) -> bool:
        """Whether a figure (or "<kpi>_target") is live under this version."""
        return figure not in self.retired_figures

    def factor_names(self) -> tuple[str, ...]:
        return tuple(sorted(self.contributing_factors))

    def review_deadline_days(self, tier: str) -> int:
        return self.postmortem_deadline_days if tier == "full" else self.lightweight_deadline_days


def changed_settings(before: Policy | None, after: Policy) -> dict[str, tuple[Any, Any]]:
    """Setting → (value before, value after) for each setting `after` changes, in field
    order; against the built-in defaults when there is no version before."""
    base = before if before is not None else Policy()
    out: dict[str, tuple[Any, Any]] = {}
    for f in fields(Policy):
        old, new = getattr(base, f.name), getattr(after, f.name)
        if old != new:
            out[f.name] = (old, new)
    return out


def setting_text(value: Any) -> str:
    """A setting's value as the history prints it: JSON for objects and lists."""
    if isinstance(value, tuple):
        value = list(value)
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def _choice(name: str, value: Any, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise PolicyError(f"{name}: {value!r} is not one of {', '.join(allowed)}")


def _number(name: str, value: Any, *, low: float, high: float | None = None) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PolicyError(f"{name}: expected a number, got {value!r}")
    if value < low or (high is not None and value > high):
        bound = f"between {low:g} and {high:g}" if high is not None else f"at least {low:g}"
        raise PolicyError(f"{name}: {value!r} must be {bound}")


def _whole(name: str, value: Any, *, low: int, high: int | None = None) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PolicyError(f"{name}: expected a whole number, got {value!r}")
    _number(name, value, low=low, high=high)


def _flag(name: str, value: Any) -> None:
    if not isinstance(value, bool):
        raise PolicyError(f"{name}: expected true or false, got {value!r}")


def _severities(name: str, value: Any) -> None:
    if not isinstance(value, tuple) or any(s not in SEVERITIES for s in value):
        raise PolicyError(f"{name}: expected a list of {', '.join(SEVERITIES)}, got {value!r}")


def _validate(p: Policy) -> None:
    _choice("primary_kpi", p.primary_kpi, PRIMARY_KPIS)
    _choice("weighting", p.weighting, WEIGHTINGS)
    _choice("evaluation", p.evaluation, EVALUATIONS)
    if not isinstance(p.severity_weights, Mapping):
        raise PolicyError("severity_weights: expected an object of SEV1..SEV5 to a weight")
    for sev in SEVERITIES:
        if sev not in p.severity_weights:
            raise PolicyError(f"severity_weights: {sev} has no weight")
        _number(f"severity_weights.{sev}", p.severity_weights[sev], low=0)
    if not isinstance(p.thresholds_minutes, Mapping):
        raise PolicyError("thresholds_minutes: expected an object of KPI to severity targets")
    for kpi, targets in p.thresholds_minutes.items():
        _choice("thresholds_minutes", kpi, KPIS)
        if not isinstance(targets, Mapping):
            raise PolicyError(
                f"thresholds_minutes.{kpi}: expected an object of severity to minutes"
            )
        for sev, minutes in targets.items():
            _choice(f"thresholds_minutes.{kpi}", sev, SEVERITIES)
            _number(f"thresholds_minutes.{kpi}.{sev}", minutes, low=0)
    _whole("trend_window_days", p.trend_window_days, low=1, high=366)
    for name in (
        "verification_counts",
        "exclude_external_cause",
        "exclude_approved_tech_debt",
        "full_review_on_recurrence",
        "full_review_regulatory",
    ):
        _flag(name, getattr(p, name))
    _severities("full_review_severities", p.full_review_severities)
    _severities("lightweight_review_severities", p.lightweight_review_severities)
    _severities("full_review_customer_severities", p.full_review_customer_severities)
    both = set(p.full_review_severities) & set(p.lightweight_review_severities)
    if both:
        raise PolicyError(
            f"lightweight_review_severities: {', '.join(sorted(both))} already needs a full review"
        )
    if p.full_review_users_affected is not None:
        _whole("full_review_users_affected", p.full_review_users_affected, low=1)
    _whole("postmortem_deadline_days", p.postmortem_deadline_days, low=1, high=365)
    _whole("lightweight_deadline_days", p.lightweight_deadline_days, low=1, high=365)
    _whole("recurrence_window_days", p.recurrence_window_days, low=1, high=365)
    _number("recurrence_title_similarity", p.recurrence_title_similarity, low=0.05, high=1)
    _whole("pages_per_shift", p.pages_per_shift, low=1)
    _whole("shift_hours", p.shift_hours, low=1, high=24)
    if 24 % p.shift_hours:
        raise PolicyError(
            f"shift_hours: {p.shift_hours} must divide a day (1, 2, 3, 4, 6, 8, 12, 24)"
        )
    _whole("after_hours_pages_per_week", p.after_hours_pages_per_week, low=0)
    _whole("business_hours_start", p.business_hours_start, low=0, high=23)
    _whole("business_hours_end", p.business_hours_end, low=1, high=24)
    if p.business_hours_end <= p.business_hours_start:
        raise PolicyError(
            f"business_hours_end: {p.business_hours_end} must be after the start "
            f"({p.business_hours_start})"
        )
    if not isinstance(p.default_time_zone, str) or not known_zone(p.default_time_zone):
        raise PolicyError(
            f"default_time_zone: {p.default_time_zone!r} is no IANA time zone (e.g. Europe/Berlin)"
        )
    _number("concentration_share", p.concentration_share, low=0.05, high=1)
    _number("default_hourly_rate", p.default_hourly_rate, low=0)
    _number("surge_long_incident_hours", p.surge_long_incident_hours, low=0.5, high=168)
    _whole("surge_consecutive_nights", p.surge_consecutive_nights, low=2, high=31)
    _choice("surge_treatment", p.surge_treatment, SURGE_TREATMENTS)
    _retired_figures(p)
    _controls(p)
    _contributing_factors(p)
    if not isinstance(p.retired, Mapping):
        raise PolicyError("retired: expected an object")


def _retired_figures(p: Policy) -> None:
    if not isinstance(p.retired_figures, Mapping):
        raise PolicyError("retired_figures: expected an object of figure to reason")
    for figure, reason in p.retired_figures.items():
        _choice("retired_figures", figure, RETIRABLE)
        if not isinstance(reason, str) or not reason.strip():
            raise PolicyError(f"retired_figures.{figure}: say why the figure is retired")
    if p.primary_kpi in p.retired_figures:
        raise PolicyError(
            f"retired_figures: {p.primary_kpi} is the primary KPI; choose another before retiring it"
        )


# Long enough for "ISO/IEC 27001:2022 Annex A 5.26, response to information security
# incidents", short enough that one line of the packet's table holds it.
CONTROL_LENGTH = 200


def _controls(p: Policy) -> None:
    if not isinstance(p.controls, Mapping):
        raise PolicyError("controls: expected an object of figure or target to a control")
    for figure, control in p.controls.items():
        _choice("controls", figure, RETIRABLE)
        if not isinstance(control, str) or not control.strip():
            raise PolicyError(f"controls.{figure}: name the control or clause, or leave it out")
        if len(control) > CONTROL_LENGTH:
            raise PolicyError(
                f"controls.{figure}: {len(control)} characters; at most {CONTROL_LENGTH}"
            )


def _contributing_factors(p: Policy) -> None:
    if not isinstance(p.contributing_factors, Mapping) or not p.contributing_factors:
        raise PolicyError("contributing_factors: expected an object of factor to its keywords")
    for factor, words in p.contributing_factors.items():
        if not isinstance(factor, str) or not factor.strip() or factor != factor.strip().lower():
            raise PolicyError(
                f"contributing_factors: {factor!r} must be a lower-case name without "
                "surrounding spaces"
            )
        spoken = factor.replace("_", " ").replace("-", " ")
        if any(refused in spoken for refused in REFUSED_FACTORS):
            raise PolicyError(
                f"contributing_factors: {factor!r} names a person's fault; name the condition "
                "that made the action sensible (e.g. tooling, knowledge, coordination)"
            )
        if not isinstance(words, list) or any(
            not isinstance(w, str) or not w.strip() for w in words
        ):
            raise PolicyError(
                f"contributing_factors.{factor}: expected a list of keywords, got {words!r}"
            )
