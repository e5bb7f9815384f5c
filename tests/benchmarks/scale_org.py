"""An enterprise's decade of incidents, for bench_scale.py: the organisation and its data.

The organisation: TEAMS teams, each with an on-call schedule whose members join and leave
over the years, SERVICES services owned by the teams, PEOPLE responders. Its incidents
come from PagerDuty (incidents and their log entries) and Opsgenie (alerts and their
logs), about two in three from PagerDuty, over YEARS years ending END; each has a
monitoring alert, a page, an acknowledgement, notes, status changes, re-notifications
and actions by responders, and a resolution, twenty timeline events on average.

Two outputs, both from one seed:

- `write_database`: the whole organisation written straight into irdesk's schema with
  sqlite3 executemany, in chunks of incidents (numpy draws the values, SQLite formats
  the times): the rows an import of the tools' exports would store, by the fastest
  honest path there is to store them.
- `write_exports`: a fraction of the incidents as the tools export them (PagerDuty
  incident pages and per-incident log-entry pages; Opsgenie alert pages and per-alert
  log files, in the shapes of /work/shared/data's samples), for the real importer.
"""

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from irdesk.storage.database import open_database

YEARS = 10
END = datetime(2026, 12, 1, tzinfo=UTC)
START = END.replace(year=END.year - YEARS)
TEAMS = 40
SERVICES = 300
PEOPLE = 800
ZONES = ("Europe/London", "America/New_York", "Asia/Tokyo", "Europe/Berlin", "UTC")
TITLES = (
    "Elevated error rate on {s} after deploy",
    "{s} latency p99 above target",
    "{s} unavailable: database connection pool exhausted",
    "Partial outage of {s} caused by upstream provider",
    "{s} returning stale data after cache invalidation failure",
    "Certificate expiry broke {s} health checks",
    "Disk almost full on {s} primary",
    "{s} queue backlog growing",
)
SOURCES = ("pagerduty", "opsgenie")
# Kinds of the events between the acknowledgement and the resolution, and how often.
MIDDLE = ("page", "note", "status_change", "action", "escalate", "communication")
MIDDLE_WEIGHTS = (0.30, 0.30, 0.15, 0.12, 0.08, 0.05)
# Which kinds a person does (the rest are the tool's or the monitoring's own).
BY_PERSON = {"page", "acknowledge", "note", "action", "resolve"}
TEXT = {
    "alert": "Monitoring alert: threshold crossed",
    "page": "Notified by SMS",
    "acknowledge": "Acknowledged",
    "note": "Rolled back the last deploy; watching the error rate",
    "status_change": "Status changed",
    "action": "Restarted the pool",
    "escalate": "Escalated to level 2",
    "communication": "Status page updated",
    "resolve": "Resolved",
}
CHUNK = 25_000  # incidents written per executemany round: about 500,000 events
# SQLite writes the stored time format from epoch seconds, in C.
TIME = "strftime('%Y-%m-%d %H:%M:%S.000000', ?, 'unixepoch')"


@dataclass(frozen=True)
class Org:
    """Who is who: each service's owning team, each team's people."""

    service_team: np.ndarray  # service id - 1 → team id
    team_people: list[np.ndarray]  # team id - 1 → person ids


def organisation() -> Org:
    service_team = 1 + np.arange(SERVICES) % TEAMS
    people = np.arange(1, PEOPLE + 1)
    return Org(service_team, [people[(people - 1) % TEAMS == t] for t in range(TEAMS)])


@dataclass
class Chunk:
    """One round of incidents (consecutive ids from `first`) and their events."""

    first: int
    started: np.ndarray  # epoch seconds, ascending
    detected: np.ndarray
    acked: np.ndarray
    mitigated: np.ndarray
    resolved: np.ndarray  # NaN: still open
    service: np.ndarray
    rank: np.ndarray  # 1 … 5
    source: np.ndarray  # index into SOURCES
    title: np.ndarray  # index into TITLES
    primary: np.ndarray  # person ids
    helper: np.ndarray
    event_incident: np.ndarray  # row in the chunk
    event_kind: list[str]
    event_time: np.ndarray
    event_person: np.ndarray  # 0: none


def _chunks(incidents: int, events: int, seed: int) -> Iterator[Chunk]:
    """The incidents in time order (ids ascending with their start), CHUNK at a time."""
    rng = np.random.default_rng(seed)
    org = organisation()
    low, high = START.timestamp(), END.timestamp()
    starts = np.sort(rng.uniform(low, high, incidents)).round()
    per_incident = events / incidents
    for first in range(0, incidents, CHUNK):
        started = starts[first : first + CHUNK]
        n = len(started)
        detected = started + (60 * rng.lognormal(1.8, 0.8, n)).round()
        acked = detected + (60 * rng.lognormal(1.5, 0.9, n)).round()
        mitigated = acked + (60 * rng.lognormal(3.2, 0.8, n)).round()
        resolved = mitigated + (60 * rng.lognormal(3.0, 0.9, n)).round()
        resolved[resolved > high] = np.nan  # the last hours' incidents are still open
        service = 1 + (rng.zipf(1.3, n) - 1) % SERVICES
        team = org.service_team[service - 1]
        pick = rng.integers(0, 1 << 30, (2, n))
        primary = np.array(
            [org.team_people[t - 1][k % 20] for t, k in zip(team, pick[0], strict=True)]
        )
        helper = np.array(
            [org.team_people[t - 1][k % 20] for t, k in zip(team, pick[1], strict=True)]
        )
        count = np.maximum(4, rng.poisson(per_incident, n))
        total = int(count.sum())
        row = np.repeat(np.arange(n), count)
        position = np.arange(total) - np.repeat(np.cumsum(count) - count, count)
        last = position == count[row] - 1
        kinds = np.array((*MIDDLE, "alert", "page", "acknowledge", "resolve"))
        code = rng.choice(len(MIDDLE), total, p=MIDDLE_WEIGHTS)
        code[position == 0] = len(MIDDLE)
        code[position == 1] = len(MIDDLE) + 1
        code[position == 2] = len(MIDDLE) + 2
        code[last] = len(MIDDLE) + 3
        kind = kinds[code]
        span = np.where(np.isnan(resolved), mitigated, resolved)[row] - acked[row]
        time = acked[row] + (rng.random(total) * span).round()
        time[position == 0] = detected[row][position == 0]
        time[position == 1] = detected[row][position == 1] + 30
        time[position == 2] = acked[row][position == 2]
        closing = last & ~np.isnan(resolved[row])
        time[closing] = resolved[row][closing]
        kind_list = kind.tolist()
        doer = np.where(rng.random(total) < 0.7, primary[row], helper[row])
        by_person = np.isin(kind, list(BY_PERSON))
        yield Chunk(
            first=first + 1,
            started=started,
            detected=detected,
            acked=acked,
            mitigated=mitigated,
            resolved=resolved,
            service=service,
            rank=rng.choice(5, n, p=(0.02, 0.08, 0.30, 0.35, 0.25)) + 1,
            source=(rng.random(n) < 0.35).astype(np.int64),
            title=rng.integers(0, len(TITLES), n),
            primary=primary,
            helper=helper,
            event_incident=row,
            event_kind=kind_list,
            event_time=time,
            event_person=np.where(by_person, doer, 0),
        )


def _none(values: np.ndarray) -> list[float | None]:
    return [None if v != v else v for v in values.tolist()]  # NaN → None


def _directory(conn: sqlite3.Connection) -> None:
    org = organisation()
    conn.executemany(
        "INSERT INTO team (id, name, rotation) VALUES (?, ?, ?)",
        [(t, f"Team {t:02d}", f"team-{t:02d}-primary") for t in range(1, TEAMS + 1)],
    )
    conn.executemany(
        "INSERT INTO person (id, name, email, team_id, role, time_zone, hourly_rate)"
        " VALUES (?, ?, ?, ?, 'Engineer', ?, ?)",
        [
            (
                p,
                f"Responder {p:03d}",
                f"r{p}@acme.example",
                1 + (p - 1) % TEAMS,
                ZONES[p % 5],
                55.0 + p % 60,
            )
            for p in range(1, PEOPLE + 1)
        ],
    )
    conn.executemany(
        "INSERT INTO service (id, name, tier, slo_target, cost_per_minute, owner_team_id)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [
            (s, f"svc-{s:03d}", ("tier1", "tier2", "tier3")[s % 3], 99.9, 5.0 + s % 50, int(t))
            for s, t in enumerate(org.service_team.tolist(), start=1)
        ],
    )
    conn.executemany(
        "INSERT INTO rotation (id, name, kind, source, external_id, team_id, time_zone,"
        " turn_seconds) VALUES (?, ?, 'schedule', 'pagerduty', ?, ?, 'UTC', 604800)",
        [(t, f"Team {t:02d} primary", f"PSCH{t:03d}", t) for t in range(1, TEAMS + 1)],
    )
    # Each person is on their team's schedule for a span of the decade (some still are).
    rng = np.random.default_rng(1)
    low, high = START.timestamp(), END.timestamp()
    members = []
    for n, person in enumerate(range(1, PEOPLE + 1), start=1):
        joined = float(rng.uniform(low - 365 * 86400, high - 180 * 86400))
        left = joined + float(rng.uniform(365, 6 * 365)) * 86400
        members.append((n, 1 + (person - 1) % TEAMS, person, joined, None if left > high else left))
    conn.executemany(
        f"INSERT INTO rotation_member (id, rotation_id, person_id, how, starts_at, ends_at)"
        f" VALUES (?, ?, ?, 'member', {TIME}, {TIME})",
        members,
    )


def write_database(path: Path, incidents: int, events: int, seed: int) -> int:
    """The organisation into a fresh irdesk database at `path`; returns the events written."""
    open_database(path).close()  # the real schema, at its head revision
    written = 0
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA journal_mode=OFF")
        # The big tables' indexes are built once at the end, from sorted keys, rather than
        # kept up to date row by row: the same indexes, in a fraction of the time.
        indexes = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            " AND tbl_name IN ('incident', 'timeline_event')"
        ).fetchall()
        for name, _ in indexes:
            conn.execute(f"DROP INDEX {name}")
        _directory(conn)
        event_id = review_id = 0
        for c in _chunks(incidents, events, seed):
            n = len(c.started)
            ids = list(range(c.first, c.first + n))
            source = [SOURCES[s] for s in c.source.tolist()]
            rank = c.rank.tolist()
            raw = [f"P{r}" for r in rank]
            conn.executemany(
                "INSERT INTO incident (id, source, external_id, title, service_id, severity,"
                " severity_raw, status, started_at, detected_at, acknowledged_at,"
                " mitigated_at, resolved_at, users_affected, external_cause,"
                " approved_tech_debt, regulatory_exposure, consistency_flags, created_at,"
                f" updated_at) VALUES (?, ?, 'Q' || ?, ?, ?, 'SEV' || ?, ?, ?, {TIME}, {TIME},"
                f" {TIME}, {TIME}, {TIME}, ?, ?, 0, 0, '', {TIME}, {TIME})",
                zip(
                    ids,
                    source,
                    ids,
                    [
                        TITLES[t].format(s=f"svc-{s:03d}")
                        for t, s in zip(c.title.tolist(), c.service.tolist(), strict=True)
                    ],
                    c.service.tolist(),
                    rank,
                    raw,
                    ["triggered" if r != r else "resolved" for r in c.resolved.tolist()],
                    c.started.tolist(),
                    c.detected.tolist(),
                    c.acked.tolist(),
                    c.mitigated.tolist(),
                    _none(c.resolved),
                    (c.service * 37 % 5000).tolist(),
                    (c.title == 3).tolist(),  # the upstream provider's outages
                    c.started.tolist(),
                    c.started.tolist(),
                    strict=True,
                ),
            )
            e = len(c.event_kind)
            incident_of_event = (c.event_incident + c.first).tolist()
            eids = list(range(event_id + 1, event_id + e + 1))
            event_id += e
            conn.executemany(
                "INSERT INTO timeline_event (id, incident_id, occurred_at, kind, source,"
                " external_id, actor_person_id, text, is_key_moment, added_by_facilitator)"
                f" VALUES (?, ?, {TIME}, ?, ?, 'R' || ?, nullif(?, 0), ?, 0, 0)",
                zip(
                    eids,
                    incident_of_event,
                    c.event_time.tolist(),
                    c.event_kind,
                    [source[r] for r in c.event_incident.tolist()],
                    eids,
                    c.event_person.tolist(),
                    [TEXT[k] for k in c.event_kind],
                    strict=True,
                ),
            )
            written += e
            # A review for the severe incidents and one in twenty others, with an action item.
            reviewed = np.flatnonzero((c.rank <= 2) | (np.arange(n) % 20 == 0))
            reviews, actions = [], []
            for r in reviewed.tolist():
                review_id += 1
                closed = c.resolved[r] if c.resolved[r] == c.resolved[r] else c.mitigated[r]
                status = ("draft", "in_review", "approved", "signed")[review_id % 4]
                approved = (
                    closed + 86400 * (1 + review_id % 11)
                    if status in ("approved", "signed")
                    else None
                )
                reviews.append(
                    (
                        review_id,
                        c.first + r,
                        "full" if c.rank[r] <= 2 else "lightweight",
                        status,
                        approved,
                        closed,
                        closed,
                    )
                )
                done = review_id % 5 < 3
                actions.append(
                    (
                        review_id,
                        review_id,
                        f"Fix the cause of incident {c.first + r}",
                        int(c.primary[r]),
                        closed + 86400 * (14 + review_id % 31),
                        "done" if done else "open",
                        closed + 86400 * (5 + review_id % 55) if done else None,
                        closed,
                    )
                )
            conn.executemany(
                "INSERT INTO review (id, incident_id, tier, status, approved_at, created_at,"
                f" updated_at) VALUES (?, ?, ?, ?, {TIME}, {TIME}, {TIME})",
                reviews,
            )
            conn.executemany(
                "INSERT INTO action_item (id, review_id, title, owner_person_id, due_on, status,"
                f" completed_at, created_at) VALUES (?, ?, ?, ?, date(?, 'unixepoch'), ?, {TIME},"
                f" {TIME})",
                actions,
            )
        for _, sql in indexes:
            conn.execute(sql)
        conn.commit()
    return written


# --- the tools' exports of a fraction ------------------------------------------------


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _iso_ms(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _ref(kind: str, path: str, ident: str, summary: str) -> dict[str, str]:
    """A PagerDuty reference as the API embeds it."""
    return {
        "id": ident,
        "type": f"{kind}_reference",
        "summary": summary,
        "self": f"https://api.pagerduty.com/{path}/{ident}",
        "html_url": f"https://acme.pagerduty.com/{path}/{ident}",
    }


PD_ENTRY = {
    "alert": "trigger_log_entry",
    "page": "notify_log_entry",
    "acknowledge": "acknowledge_log_entry",
    "note": "annotate_log_entry",
    "status_change": "priority_change_log_entry",
    "action": "annotate_log_entry",
    "escalate": "escalate_log_entry",
    "communication": "status_update_log_entry",
    "resolve": "resolve_log_entry",
}
OG_LOG = {
    "alert": ("Alert created via Datadog", "system"),
    "page": ("Sent SMS notification to {who}", "alertRecipient"),
    "acknowledge": ("Alert acknowledged via web", "alertAction"),
    "note": ("Note added: rolled back the last deploy", "alertNote"),
    "status_change": ("Alert priority changed to P2", "alertAction"),
    "action": ("Ran action restart-pool", "alertAction"),
    "escalate": ("Escalated to next responder", "system"),
    "communication": ("Status page updated", "alertAction"),
    "resolve": ("Alert closed via web", "alertAction"),
}
COMPACT = (",", ":")


def write_exports(folder: Path, incidents: int, events: int, seed: int) -> tuple[int, int]:
    """`incidents` incidents of the organisation (`events` events in all) over its decade,
    as the tools export them; returns (incidents, events) written."""
    folder.mkdir(parents=True, exist_ok=True)
    c = next(_chunks(incidents, events, seed))  # one chunk of `incidents` ≤ CHUNK
    starts = np.cumsum(np.bincount(c.event_incident, minlength=len(c.started)))
    pd_page: list[dict[str, object]] = []
    og_page: list[dict[str, object]] = []
    written = 0
    pages = {"incidents": 0, "alerts": 0}
    for r in range(len(c.started)):
        n = c.first + r
        service = int(c.service[r])
        title = TITLES[int(c.title[r])].format(s=f"svc-{service:03d}")
        resolved = c.resolved[r]
        lo, hi = (starts[r - 1] if r else 0), starts[r]
        kinds, times, people = c.event_kind[lo:hi], c.event_time[lo:hi], c.event_person[lo:hi]
        written += int(hi - lo)
        if c.source[r] == 0:
            pid = f"Q{n:07d}"
            incident = _ref("incident", "incidents", pid, f"[#{n}] {title}")
            service_ref = _ref(
                "service", "service-directory", f"PS{service:04d}", f"svc-{service:03d}"
            )
            pd_page.append(
                {
                    "id": pid,
                    "type": "incident",
                    "summary": f"[#{n}] {title}",
                    "self": incident["self"],
                    "html_url": incident["html_url"],
                    "incident_number": n,
                    "title": title,
                    "created_at": _iso(c.started[r]),
                    "updated_at": _iso(resolved if resolved == resolved else c.mitigated[r]),
                    "status": "resolved" if resolved == resolved else "triggered",
                    "resolved_at": _iso(resolved) if resolved == resolved else None,
                    "last_status_change_at": _iso(c.acked[r]),
                    "urgency": "high",
                    "service": service_ref,
                    "priority": {
                        "id": f"PP{c.rank[r]}",
                        "type": "priority",
                        "summary": f"P{c.rank[r]}",
                    },
                    "assignments": [],
                    "acknowledgements": [],
                    "first_trigger_log_entry": _ref(
                        "trigger_log_entry", "log_entries", f"R{n:07d}E0", "Triggered"
                    ),
                }
            )
            entries = []
            for k, (kind, at, who) in enumerate(
                zip(kinds, times.tolist(), people.tolist(), strict=True)
            ):
                agent = (
                    _ref("user", "users", f"PU{who:04d}", f"Responder {who:03d}")
                    if who
                    else service_ref
                )
                channel: dict[str, object] = {"type": "api" if not who else "web_ui"}
                if kind in ("note", "action"):
                    channel = {"type": "note", "summary": TEXT[kind]}
                entries.append(
                    {
                        "id": f"R{n:07d}E{k}",
                        "type": PD_ENTRY[kind],
                        "summary": TEXT[kind],
                        "created_at": _iso(at),
                        "incident": incident,
                        "agent": agent,
                        "channel": channel,
                    }
                )
            envelope = {
                "log_entries": entries,
                "limit": 100,
                "offset": 0,
                "more": False,
                "total": len(entries),
            }
            (folder / f"log_entries-{pid}.json").write_text(
                json.dumps(envelope, separators=COMPACT)
            )
        else:
            aid = f"{n:08x}-0da4-43e2-8e21-9e22faedc594-1637756080926"
            report: dict[str, object] = {
                "ackTime": int((c.acked[r] - c.started[r]) * 1000),
                "acknowledgedBy": f"r{c.primary[r]}@acme.example",
            }
            if resolved == resolved:
                report["closeTime"] = int((resolved - c.started[r]) * 1000)
            og_page.append(
                {
                    "id": aid,
                    "tinyId": str(n),
                    "alias": f"alias-{n}",
                    "message": title,
                    "status": "closed" if resolved == resolved else "open",
                    "acknowledged": True,
                    "isSeen": True,
                    "tags": [f"svc-{service:03d}"],
                    "snoozed": False,
                    "count": 1,
                    "lastOccurredAt": _iso_ms(c.started[r]),
                    "createdAt": _iso_ms(c.started[r]),
                    "updatedAt": _iso_ms(resolved if resolved == resolved else c.acked[r]),
                    "source": "Datadog",
                    "owner": f"r{c.primary[r]}@acme.example",
                    "priority": f"P{c.rank[r]}",
                    "teams": [{"id": f"team-{service % TEAMS}"}],
                    "integration": {"id": "int-1", "name": "Datadog", "type": "Datadog"},
                    "report": report,
                }
            )
            logs = []
            for k, (kind, at, who) in enumerate(
                zip(kinds, times.tolist(), people.tolist(), strict=True)
            ):
                text, kind_type = OG_LOG[kind]
                logs.append(
                    {
                        "createdAt": _iso_ms(at),
                        "log": text.format(who=f"r{who}@acme.example"),
                        "offset": f"{int(at * 1000)}_{n:07d}{k:04d}",
                        "owner": f"r{who}@acme.example" if who else "System",
                        "type": kind_type,
                    }
                )
            body = {"data": logs, "took": 0.008, "requestId": f"req-{n}"}
            (folder / f"alert-{aid}-logs.json").write_text(json.dumps(body, separators=COMPACT))
        for page, key, name in ((pd_page, "incidents", "incidents"), (og_page, "data", "alerts")):
            if len(page) == 100 or (r == len(c.started) - 1 and page):
                number = pages[name]
                pages[name] += 1
                if key == "incidents":
                    envelope = {
                        key: page,
                        "limit": 100,
                        "offset": number * 100,
                        "more": True,
                        "total": None,
                    }
                else:
                    envelope = {
                        key: page,
                        "paging": {"first": "", "last": ""},
                        "took": 0.1,
                        "requestId": f"p{number}",
                    }
                (folder / f"{name}-{number:05d}.json").write_text(
                    json.dumps(envelope, separators=COMPACT)
                )
                page.clear()
    return len(c.started), written
