"""The stored, versioned policy: every change is a new version, written with its audit entry.

Figures record the version they used (`PolicyRecord.version`); any old version
can be read back and the figures recomputed under it. A database that never
saved a policy uses the built-in defaults, reported as version None.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from irdesk.domain.models import Policy as PolicyTable
from irdesk.domain.models import PolicyVersion
from irdesk.domain.policy import Policy, PolicyError
from irdesk.storage.database import Database
from irdesk.storage.records.audit import append_entry

DEFAULT_NAME = "Default"


@dataclass(frozen=True)
class PolicyRecord:
    version: int | None  # None: the built-in defaults, never saved
    policy: Policy
    note: str | None = None
    author: str | None = None
    created_at: datetime | None = None
    id: int | None = None

    @property
    def label(self) -> str:
        return "built-in defaults" if self.version is None else f"version {self.version}"


def _record(row: PolicyVersion) -> PolicyRecord:
    try:
        policy = Policy.from_json(row.settings_json)
    except PolicyError as exc:
        raise PolicyError(f"policy version {row.version} cannot be read: {exc}") from exc
    return PolicyRecord(
        version=row.version,
        policy=policy,
        note=row.note,
        author=row.author,
        created_at=row.created_at,
        id=row.id,
    )


def _policy_id(session: Session) -> int | None:
    row = session.exec(select(PolicyTable).where(PolicyTable.name == DEFAULT_NAME)).first()
    if row is None:  # a database from elsewhere may name its one policy differently
        row = session.exec(select(PolicyTable).order_by(col(PolicyTable.id))).first()
    return row.id if row else None


def versions_in(session: Session, limit: int | None = None) -> list[PolicyRecord]:
    policy_id = _policy_id(session)
    if policy_id is None:
        return []
    rows = session.exec(
        select(PolicyVersion)
        .where(PolicyVersion.policy_id == policy_id)
        .order_by(col(PolicyVersion.version).desc())
        .limit(limit)
    ).all()
    return [_record(r) for r in rows]


def policy_versions(db: Database) -> list[PolicyRecord]:
    """Every saved version, newest first."""
    with db.session() as session:
        return versions_in(session)


def current_policy_in(session: Session) -> PolicyRecord:
    """`current_policy` inside a session the caller holds (one read with the rest)."""
    versions = versions_in(session, limit=1)
    return versions[0] if versions else PolicyRecord(version=None, policy=Policy())


def current_policy(db: Database) -> PolicyRecord:
    """The newest saved version, or the built-in defaults."""
    with db.session() as session:
        return current_policy_in(session)


def policy_version(db: Database, number: int | None) -> PolicyRecord:
    """Version `number` (None: the current one). LookupError names the versions there are."""
    if number is None:
        return current_policy(db)
    versions = policy_versions(db)
    for record in versions:
        if record.version == number:
            return record
    known = ", ".join(str(r.version) for r in reversed(versions)) or "none saved yet"
    raise LookupError(f"there is no policy version {number} in {db.path.name} (versions: {known})")


def save_policy(db: Database, policy: Policy, *, note: str, author: str) -> PolicyRecord:
    """Store `policy` as the next version; the note says why it changed. Audited."""
    if not note.strip():
        raise PolicyError("say why the policy changes; the note is kept with the version")
    with db.transaction() as session:
        policy_id = _policy_id(session)
        if policy_id is None:
            table = PolicyTable(name=DEFAULT_NAME)
            session.add(table)
            session.flush()
            policy_id = table.id
        assert policy_id is not None
        latest = session.exec(
            select(func.max(PolicyVersion.version)).where(PolicyVersion.policy_id == policy_id)
        ).one()
        previous = None
        if latest is not None:
            prev_row = session.exec(
                select(PolicyVersion).where(
                    PolicyVersion.policy_id == policy_id, PolicyVersion.version == latest
                )
            ).one()
            previous = Policy.from_json(prev_row.settings_json).to_dict()
        row = PolicyVersion(
            policy_id=policy_id,
            version=(latest or 0) + 1,
            settings_json=policy.to_json(),
            note=note.strip(),
            author=author,
        )
        session.add(row)
        session.flush()
        new = policy.to_dict()
        changes = {
            key: [(previous or {}).get(key), value]
            for key, value in new.items()
            if previous is None or previous.get(key) != value
        }
        append_entry(
            session,
            actor=author,
            action="save_policy_version",
            entity="policy_version",
            entity_id=row.id,
            detail={"version": row.version, "note": row.note, "changes": changes},
        )
        return _record(row)
