"""The organisation directory of an import: merged across its files, then written.

Records name each other by their source's keys; this step turns keys into rows, in
dependency order (teams, people, memberships, services, rotations, policies), and
counts what it did for the report. Hand-typed values are kept by storage's re-import
rule (`storage/bulk/directory_writer`); their disagreements become conflicts.

A record only named in passing (a reference's summary) fills what is unknown and never
overwrites what a full record says. Names are unique per table: a second team of the
same source that shares a name gets its key added to the name, with a warning.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any, TypeVar

from irdesk.domain.enums import ServiceTier
from irdesk.importers.org_records import (
    Directory,
    PersonRecord,
    PolicyRecord,
    RotationMemberRecord,
    RotationRecord,
    ServiceRecord,
    TeamMemberRecord,
    TeamRecord,
)
from irdesk.importers.records import ParsedFile
from irdesk.importers.writing.outcomes import WriteResult
from irdesk.storage.bulk import directory_writer as store
from irdesk.storage.bulk.directory_writer import Applied, Membership
from irdesk.storage.bulk.import_transaction import ImportTransaction
from irdesk.storage.bulk.stored_text import db_time

# A service first seen in a directory import: as in an incident import, until set by hand.
NEW_SERVICE = {"tier": ServiceTier.TIER3.value, "slo_target": 99.9, "cost_per_minute": 0.0}

Key = tuple[str, str]  # (source, key casefolded)
_ENTITIES = {
    "teams": "team",
    "people": "person",
    "services": "service",
    "rotations": "rotation",
    "escalation policies": "policy",
}
R = TypeVar("R", TeamRecord, PersonRecord, RotationRecord)


def _key(source: str, key: str) -> Key:
    return source, key.casefold()


def merged(parsed: Iterable[ParsedFile]) -> Directory:
    """Every file's directory as one, each keyed record once: the last full record
    wins, and records named only in passing fill what the others leave unknown."""
    out = Directory()
    for file in parsed:
        d = file.directory
        out.teams += d.teams
        out.people += d.people
        out.team_members += d.team_members
        out.services += d.services
        out.rotations += d.rotations
        out.members += d.members
        out.policies += d.policies
        out.service_policies += d.service_policies
    out.teams = _one_each(out.teams)
    out.people = _one_each(out.people)
    out.rotations = _one_each(out.rotations)
    out.services = list({_key(s.source, s.key): s for s in out.services}.values())
    out.policies = list({(p.source, p.key): p for p in out.policies}.values())
    return out


def _one_each(records: list[R]) -> list[R]:
    chosen: dict[Key, R] = {}
    for record in records:
        key = _key(record.source, record.key)
        old = chosen.get(key)
        if old is None:
            chosen[key] = record
        elif record.complete:
            _fill(record, old)
            chosen[key] = record
        else:
            _fill(old, record)
    return list(chosen.values())


def _fill(into: Any, other: Any) -> None:
    """Fields `into` leaves empty, from `other`."""
    for name, value in vars(other).items():
        if getattr(into, name) is None and value is not None:
            setattr(into, name, value)


def write_directory(tx: ImportTransaction, parsed: list[ParsedFile], result: WriteResult) -> None:
    directory = merged(parsed)
    if not directory:
        return
    writer = _Writer(tx, result)
    for team in directory.teams:
        writer.team(team)
    for person in directory.people:
        writer.person(person)
    for member in directory.team_members:
        writer.team_member(member)
    for service in directory.services:
        writer.service(service)
    # Schedules before their layers, so a layer finds its parent.
    for rotation in sorted(directory.rotations, key=lambda r: r.kind != "schedule"):
        writer.rotation(rotation)
    for membership in directory.members:
        writer.membership(membership)
    for policy in directory.policies:
        writer.policy(policy)
    # After both: a service names its policy, or a policy its services, in either file.
    links = [(s.source, s.key, s.policy_key) for s in directory.services if s.policy_key]
    for source, service_key, policy_key in links + directory.service_policies:
        writer.service_policy(source, service_key, policy_key)
    writer.finish()


class _Writer:
    def __init__(self, tx: ImportTransaction, result: WriteResult) -> None:
        self.tx = tx
        self.result = result
        self.warn = result.directory_warnings.append
        self.teams: dict[Key, int] = {}
        self.team_spelling: dict[Key, str] = {}
        self.people: dict[Key, int] = {}
        self.rotations: dict[Key, int] = {}
        self.missing_teams: dict[tuple[str, str], int] = {}
        self.variants: set[tuple[str, str]] = set()
        # Every row this import wrote: (entity, id) → (kind, its columns before, key added).
        self.touched: dict[tuple[str, int], tuple[str, dict[str, Any] | None, bool]] = {}

    # --- what the report hears ---

    def count(self, kind: str, applied: Applied, key_added: bool, label: str) -> None:
        """Remember the row; finish() counts it once, by its state before and after the
        whole import, so two sources describing one row count it once, and a re-import
        of both counts it unchanged."""
        entity = _ENTITIES[kind]
        row = (entity, applied.entity_id)
        if row in self.touched:
            old_kind, before, added = self.touched[row]
            self.touched[row] = (old_kind, before, added or key_added)
        else:
            self.touched[row] = (kind, applied.before, key_added)
        for conflict in applied.conflicts:
            self.result.conflicts.append(
                f"{label}: {conflict.field} was typed by hand as {conflict.typed!r}, the "
                f"import says {conflict.imported!r}; the typed value stays."
            )

    def finish(self) -> None:
        for (entity, entity_id), (kind, before, key_added) in self.touched.items():
            if before is None:
                change = "new"
            elif key_added or store.row_values(self.tx, entity, entity_id) != before:
                change = "updated"  # new values, or the same row now known by another key
            else:
                change = "unchanged"
            self.result.count_directory(kind, change)
        for (source, key), count in sorted(self.missing_teams.items()):
            self.warn(
                f"{source}: team {key} is defined nowhere in this import or the database "
                f"({count} reference(s)); their team is left empty"
            )

    # --- rows ---

    def team(self, record: TeamRecord) -> None:
        key = _key(record.source, record.key)
        team_id = store.id_by_key(self.tx, "team", record.source, record.key)
        if team_id is None:
            same_name = store.id_by_name(self.tx, "team", record.name)
            if same_name is not None and not store.has_key_from(
                self.tx, "team", same_name, record.source
            ):
                team_id = same_name  # one team, seen by two tools
        name = self.free_name("team", record.name, team_id, record.source, record.key)
        applied = store.apply_source_values(
            self.tx, "team", team_id, {"name": name}, fill_only=not record.complete
        )
        added = store.add_key(self.tx, "team", record.source, record.key, applied.entity_id)
        self.teams[key] = applied.entity_id
        self.team_spelling.setdefault(key, record.key)
        self.count("teams", applied, added and team_id is not None, f"team {record.name}")

    def free_name(
        self, entity: str, name: str, own_id: int | None, source: str, key: str
    ) -> str | None:
        """`name`, unless another row has it: then None for a stored row (its name stays)
        or the name with the source's key for a new one."""
        other = store.id_by_name(self.tx, entity, name)
        if other is None or other == own_id:
            return name
        if own_id is not None:
            return None
        taken = store.name_taken(self.tx, entity, name)
        if not taken:
            return name  # another spelling's case only: SQLite's UNIQUE is case-sensitive
        shown = f"{name} ({source} {key})"
        self.warn(f"{source}: another {entity} is already named {name!r}; this one is {shown!r}")
        return shown

    def team_id(self, source: str, key: str | None) -> int | None:
        if key is None:
            return None
        wanted = _key(source, key)
        found = self.teams.get(wanted)
        if found is None:
            found = store.id_by_key(self.tx, "team", source, key)
            if found is None:
                self.missing_teams[(source, key)] = self.missing_teams.get((source, key), 0) + 1
                return None
            self.teams[wanted] = found
        spelling = self.team_spelling.get(wanted)
        if spelling is not None and spelling != key and (source, key) not in self.variants:
            self.variants.add((source, key))
            self.warn(
                f"{source}: team {key} is written {spelling} elsewhere; read as the same team"
            )
        return found

    def person(self, record: PersonRecord) -> None:
        person_id = store.id_by_key(self.tx, "person", record.source, record.key)
        if person_id is None and record.email:
            person_id = store.person_by_email(self.tx, record.email)
        email = record.email
        if email is not None:
            holder = store.person_by_email(self.tx, email)
            if holder is not None and holder != person_id:
                email = None  # someone else has it: the key links them, not the email
        values = {
            "name": record.name or (record.key if person_id is None else None),
            "email": email,
            "role": record.role,
            "time_zone": record.time_zone,
            "hourly_rate": record.hourly_rate,
            "start_date": record.start_date.isoformat() if record.start_date else None,
            "seniority": record.seniority,
        }
        applied = store.apply_source_values(
            self.tx, "person", person_id, values, fill_only=not record.complete
        )
        added = store.add_key(self.tx, "person", record.source, record.key, applied.entity_id)
        self.people[_key(record.source, record.key)] = applied.entity_id
        label = f"person {record.name or record.email or record.key}"
        self.count("people", applied, added and person_id is not None, label)

    def person_id(self, source: str, key: str) -> int | None:
        wanted = _key(source, key)
        if wanted not in self.people:
            found = store.id_by_key(self.tx, "person", source, key)
            if found is None:
                return None
            self.people[wanted] = found
        return self.people[wanted]

    def team_member(self, record: TeamMemberRecord) -> None:
        team_id = self.team_id(record.source, record.team_key)
        person_id = self.person_id(record.source, record.person_key)
        if team_id is None or person_id is None:
            return
        change = store.add_team_member(self.tx, team_id, person_id, record.role)
        self.result.count_directory("team memberships", change)
        # The first team a person is seen in is the one their figures count under.
        store.apply_source_values(
            self.tx, "person", person_id, {"team_id": team_id}, fill_only=True
        )

    def service(self, record: ServiceRecord) -> None:
        service_id = store.id_by_key(self.tx, "service", record.source, record.key)
        for source, key in record.also_known_as:
            if service_id is None:
                service_id = store.id_by_key(self.tx, "service", source, key)
        if service_id is None:
            same_name = store.id_by_name(self.tx, "service", record.name)
            if same_name is not None and not store.has_key_from(
                self.tx, "service", same_name, record.source
            ):
                service_id = same_name
        owner = self.team_id(record.source, record.owner_team_key)
        if owner is None and record.oncall_team_name:
            owner = store.id_by_name(self.tx, "team", record.oncall_team_name)
        values: dict[str, Any] = {
            "name": self.free_name("service", record.name, service_id, record.source, record.key),
            "description": record.description,
            "owner_team_id": owner,
            "tier": record.tier,
            "slo_target": record.slo_target,
            "slo_window_days": record.slo_window_days,
            "cost_per_minute": record.cost_per_minute,
            "rto_minutes": record.rto_minutes,
            "rpo_minutes": record.rpo_minutes,
        }
        if service_id is None:
            values = {**values, **{k: values[k] or v for k, v in NEW_SERVICE.items()}}
        applied = store.apply_source_values(self.tx, "service", service_id, values)
        added = store.add_key(self.tx, "service", record.source, record.key, applied.entity_id)
        for source, key in record.also_known_as:
            added = store.add_key(self.tx, "service", source, key, applied.entity_id) or added
        self.count("services", applied, added and service_id is not None, f"service {record.name}")

    def rotation(self, record: RotationRecord) -> None:
        rotation_id = store.id_by_external(self.tx, "rotation", record.source, record.key)
        parent = None
        if record.parent_key is not None:
            parent = self.rotation_id(record.source, record.parent_key)
        values = {
            "name": record.name,
            "kind": record.kind,
            "source": record.source,
            "external_id": record.key,
            "parent_id": parent,
            "team_id": self.team_id(record.source, record.team_key),
            "time_zone": record.time_zone,
            "turn_seconds": record.turn_seconds,
            "starts_at": _time(record.starts_at),
            "ends_at": _time(record.ends_at),
        }
        applied = store.apply_source_values(
            self.tx, "rotation", rotation_id, values, fill_only=not record.complete
        )
        if record.kind == "schedule" and values["team_id"] is not None:
            # The rotation a team staffs, where nothing (nobody) named one before.
            store.apply_source_values(
                self.tx, "team", values["team_id"], {"rotation": record.name}, fill_only=True
            )
        self.rotations[_key(record.source, record.key)] = applied.entity_id
        self.count("rotations", applied, False, f"rotation {record.name}")

    def rotation_id(self, source: str, key: str) -> int | None:
        wanted = _key(source, key)
        if wanted not in self.rotations:
            found = store.id_by_external(self.tx, "rotation", source, key)
            if found is None:
                return None
            self.rotations[wanted] = found
        return self.rotations[wanted]

    def membership(self, record: RotationMemberRecord) -> None:
        rotation = self.rotation_id(record.source, record.rotation_key)
        person = self.person_id(record.source, record.person_key)
        if rotation is None or person is None:
            return  # parsers name both in the same file: nothing to warn about
        row = Membership(
            rotation,
            person,
            record.how,
            _time(record.starts_at),
            _time(record.ends_at),
            record.position,
            record.escalation_level,
        )
        self.result.count_directory("rotation memberships", store.add_membership(self.tx, row))

    def service_policy(self, source: str, service_key: str, policy_key: str) -> None:
        service = store.id_by_key(self.tx, "service", source, service_key)
        policy = store.id_by_external(self.tx, "policy", source, policy_key)
        if service is None or policy is None:
            return  # the other half is in a file not imported yet: linked when it is
        changed = store.link_service_policy(self.tx, service, policy, source)
        self.result.count_directory("service policies", "new" if changed else "unchanged")

    def policy(self, record: PolicyRecord) -> None:
        policy_id = store.id_by_external(self.tx, "policy", record.source, record.key)
        values = {
            "name": record.name,
            "source": record.source,
            "external_id": record.key,
            "team_id": self.team_id(record.source, record.team_key),
            "loops": record.loops,
        }
        applied = store.apply_source_values(self.tx, "policy", policy_id, values)
        levels = []
        for level in record.levels:
            targets = []
            for target in level.targets:
                person = (
                    self.person_id(record.source, target.key) if target.kind == "person" else None
                )
                rotation = (
                    self.rotation_id(record.source, target.key)
                    if target.kind == "rotation"
                    else None
                )
                team = self.team_id(record.source, target.key) if target.kind == "team" else None
                targets.append((target.kind, person, rotation, team, target.name))
            levels.append((level.delay_minutes, level.notify, level.condition, tuple(targets)))
        replaced = store.replace_levels(self.tx, applied.entity_id, levels)
        self.count("escalation policies", applied, replaced, f"escalation policy {record.name}")


def _time(value: datetime | None) -> str | None:
    return db_time(value)
