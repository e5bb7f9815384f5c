"""A demo organisation, so the app opens on something real the first time.

Everything is drawn from one ``random.Random(seed)`` and dated relative to an
``anchor`` day, never the clock: the same seed and anchor give the same rows,
timestamps included, so screenshots, documentation and tests agree. The steps
draw in a fixed order (organisation, incidents with their timelines, reviews,
feedback), each in its own module; changing that order changes every row after it.
"""

import json
import random
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from sqlalchemy import func
from sqlmodel import Session, select

from irdesk.demo.feedback import feedback_notes
from irdesk.demo.incidents import (
    WINDOW_DAYS,
    build_incident,
    incident_context,
    pick_participants,
    plan_incidents,
)
from irdesk.demo.organisation import (
    DEFAULT_POLICY_SETTINGS,
    DOMAIN,
    PEOPLE,
    REVISED_POLICY_SETTINGS,
    SERVICES,
    TEAMS,
)
from irdesk.demo.reviews import add_reviews
from irdesk.demo.timelines import draft_timeline
from irdesk.demo.working_state import Member, Org
from irdesk.domain.models import (
    Incident,
    Person,
    Policy,
    PolicyVersion,
    Service,
    Team,
    stored_id,
)
from irdesk.storage.database import Database, open_database
from irdesk.storage.inspection import log_files
from irdesk.storage.records import feedback
from irdesk.storage.sealing import PublicReader, raw_public

DEFAULT_SEED = 2026


@dataclass(frozen=True)
class DemoSummary:
    services: int
    teams: int
    people: int
    incidents: int
    events: int
    reviews: int
    findings: int
    action_items: int
    feedback_notes: int


def _add_org(session: Session, origin: datetime) -> Org:
    teams = {name: Team(name=name, rotation=rotation) for name, rotation, _ in TEAMS}
    session.add_all(teams.values())
    session.flush()
    members = [
        Member(
            person=Person(
                name=name,
                email=f"{local}@{DOMAIN}",
                team_id=teams[team].id if team else None,
                role=role,
                time_zone=zone,
                hourly_rate=rate,
            ),
            short=short,
            handle=local,
            team=team,
        )
        for name, short, local, team, role, zone, rate in PEOPLE
    ]
    services = {
        spec.name: Service(
            name=spec.name,
            description=spec.description,
            tier=spec.tier,
            slo_target=spec.slo,
            cost_per_minute=spec.cost_per_minute,
            owner_team_id=teams[spec.team].id,
        )
        for spec in SERVICES
    }
    policy = Policy(name="Default", created_at=origin)
    session.add_all([m.person for m in members])
    session.add_all(services.values())
    session.add(policy)
    session.flush()
    session.add(
        PolicyVersion(
            policy_id=stored_id(policy.id),
            version=1,
            settings_json=json.dumps(DEFAULT_POLICY_SETTINGS, sort_keys=True),
            note="Defaults from the review curriculum, adopted when irdesk was introduced.",
            author="Fatima Al-Sayed",
            created_at=origin,
        )
    )
    # A later change, so that figures and packets show which version they used.
    session.add(
        PolicyVersion(
            policy_id=stored_id(policy.id),
            version=2,
            settings_json=json.dumps(REVISED_POLICY_SETTINGS, sort_keys=True),
            note="Judge trends as well as thresholds; SEV1 acknowledged within 5 minutes.",
            author="Fatima Al-Sayed",
            created_at=origin + timedelta(days=WINDOW_DAYS // 2),
        )
    )
    return Org(
        teams=teams,
        services=services,
        specs={spec.name: spec for spec in SERVICES},
        members=members,
    )


def _throwaway() -> PublicReader:
    """A reader whose private key is dropped at once: the demo's notes then exist, sealed,
    and nobody can read them (see `note_readers`)."""
    key = X25519PrivateKey.generate()
    return PublicReader("Demo reader (key not kept)", raw_public(key.public_key()))


def generate_demo(
    db: Database,
    *,
    seed: int = DEFAULT_SEED,
    anchor: date,
    note_readers: Sequence[PublicReader] = (),
) -> DemoSummary:
    """Fill an empty, freshly created database with the demo organisation, in one transaction.

    `anchor` is "today" for the data: incidents fall in the six months before it. The
    feedback notes are sealed to `note_readers`; with none, to a key nobody keeps.
    Raises ValueError if the database already holds incidents.
    """
    rng = random.Random(seed)
    now = datetime.combine(anchor, time.min, tzinfo=UTC)
    with db.transaction() as session:
        existing = session.exec(select(func.count()).select_from(Incident)).one()
        if existing:
            raise ValueError(
                f"{db.path} already holds {existing} incidents; the demo organisation only goes "
                "into a new, empty database."
            )
        org = _add_org(session, now - timedelta(days=WINDOW_DAYS + 14))
        cases = plan_incidents(rng, now)
        number = rng.randint(1000, 1040)
        for case in cases:
            number += rng.randint(1, 4)  # other services' incidents share the numbering
            case.ctx = incident_context(rng, case, org, number)
            case.participants = pick_participants(rng, case, org)
            draft_timeline(rng, case, org, now)
            case.incident = build_incident(rng, case, org)
        session.add_all([c.incident for c in cases if c.incident])
        session.flush()
        events = []
        for case in cases:
            assert case.incident is not None
            for event in case.events:
                # Not yet in the session, so setting it issues no UPDATE.
                event.incident_id = stored_id(case.incident.id)
            events += case.events
        session.add_all(events)
        session.flush()
        reviews, findings, actions = add_reviews(session, rng, org, cases, anchor, now)
        notes = feedback_notes(rng, org, cases, now)
        readers = [feedback.publish_reader(session, r) for r in note_readers or [_throwaway()]]
        for note in notes:
            feedback.insert_sealed(
                session,
                person_id=note.person_id,
                author_id=note.author_id,
                incident_id=note.incident_id,
                kind=note.kind,
                text=note.text,
                deviation_justified=note.deviation_justified,
                written_at=note.written_at,
                readers=[r.id for r in readers],
            )
    return DemoSummary(
        services=len(org.services),
        teams=len(org.teams),
        people=len(org.members),
        incidents=len(cases),
        events=len(events),
        reviews=reviews,
        findings=findings,
        action_items=actions,
        feedback_notes=len(notes),
    )


def write_demo(
    path: Path,
    *,
    seed: int = DEFAULT_SEED,
    anchor: date,
    overwrite: bool = False,
    note_readers: Sequence[PublicReader] = (),
) -> DemoSummary:
    """Create a new demo database at `path`; the file appears complete or not at all.

    Raises FileExistsError if `path` exists and `overwrite` is false.
    """
    path = Path(path).expanduser().resolve()
    if path.exists() and not overwrite:
        raise FileExistsError(
            f"{path} already exists; choose another file or allow overwriting it."
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    # A private folder next to the target: same file system, so the final rename is atomic,
    # and the temporary database's own -wal/-shm files stay inside it.
    scratch = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        draft = scratch / path.name
        db = open_database(draft)
        try:
            summary = generate_demo(db, seed=seed, anchor=anchor, note_readers=note_readers)
        finally:
            db.close()
        if any(p.exists() for p in log_files(draft)):
            raise RuntimeError(f"{draft} still has its write-ahead log after closing")
        if path.exists() and not overwrite:
            raise FileExistsError(
                f"{path} appeared while the demo was being written; it was left untouched."
            )
        # A stale log next to the target would be replayed into the new file.
        for leftover in log_files(path):
            leftover.unlink(missing_ok=True)
        draft.replace(path)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return summary
