"""Backstage software catalog YAML: Groups as teams, Users as people, Components as services.

Accepted files
--------------
Catalog descriptor files (``apiVersion: backstage.io/v1alpha1``), one or many
documents separated by ``---``, with comments anywhere. Groups, Users and Components are
read; Systems, APIs, Resources, Domains and Locations hold no people, teams or services
and are skipped (counted in one warning).

Keys and references
-------------------
An entity is keyed ``namespace/name``, casefolded, as Backstage compares references
(``team-Phoenix`` is ``team-phoenix``); a missing namespace is the referring entity's
own. References come in every form (``team-a``, ``default/team-a``,
``group:giantswarm/team-atlas``). Membership is read from both sides
(``User.spec.memberOf`` and ``Group.spec.members``); a member with no User entity is a
person named by their login. A Group defined twice is read twice, with a warning; its
members add up. An owner that no Group defines is left empty (listed once per group,
when the whole import has been read: groups and components often come in separate files).

On-call links
-------------
``pagerduty.com/service-id`` makes the component the same service as PagerDuty's, so
incidents on that PagerDuty service count for it; ``opsgenie.com/team`` names the
Opsgenie team on call, taken (by name) as the owner when ``spec.owner`` names no Group.
A component without either is a service of its own: most catalogs have none.
"""

from typing import Any

from irdesk.importers.formats.base import Content, ImportOptions, SourceFormat
from irdesk.importers.org_records import (
    Directory,
    PersonRecord,
    ServiceRecord,
    TeamMemberRecord,
    TeamRecord,
)
from irdesk.importers.problems import ImportProblem
from irdesk.importers.reading.sources import decode_text
from irdesk.importers.records import ParsedFile

SOURCE = "backstage"
_MARK = b"backstage.io/v1"
_READ_KINDS = ("group", "user", "component")
# Components that are no running service.
_NOT_SERVICES = frozenset({"library", "documentation", "template"})


def sniff(content: Content) -> bool:
    if content.first_char in ("{", "["):
        return False
    head = content.file.data[:8192]
    return _MARK in head and b"kind:" in head


def parse(content: Content, options: ImportOptions) -> ParsedFile:
    # Imported here: detection, and every other format, work without PyYAML.
    try:
        import yaml  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        raise ImportProblem(
            content.name, "", "PyYAML installed, to read a Backstage catalog", found="no yaml"
        ) from None

    parsed = content.parsed(FORMAT.name)
    text = decode_text(content.file)
    try:
        documents = list(yaml.safe_load_all(text))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ImportProblem(content.name, where, "valid YAML", found=problem) from None
    reader = _Reader(content.name, parsed.directory, parsed.warnings)
    skipped: dict[str, int] = {}
    number = 0
    for document in documents:
        if document is None:
            continue  # an empty document: a leading `---`, or comments only
        number += 1
        reader.entity(document, number, skipped)
    if skipped:
        kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(skipped.items()))
        parsed.warnings.append(f"skipped {kinds} (no people, teams or services)")
    return parsed


def entity_key(ref: str, namespace: str) -> tuple[str, str]:
    """(kind or "", "namespace/name") of a reference; the kind prefix is optional."""
    kind, _, rest = ref.rpartition(":") if ":" in ref else ("", "", ref)
    space, _, name = rest.rpartition("/")
    return kind.casefold(), f"{space or namespace}/{name}"


class _Doc:
    """One catalog document and where it is, for located messages."""

    def __init__(self, file: str, number: int, value: dict[str, Any]) -> None:
        self.file = file
        self.value = value
        metadata = value.get("metadata")
        self.metadata: dict[str, Any] = metadata if isinstance(metadata, dict) else {}
        name = self.metadata.get("name")
        self.location = f"document {number}" + (f" ({name})" if isinstance(name, str) else "")
        if not isinstance(metadata, dict):
            raise self.problem("metadata", "an object with the entity's name", metadata)
        spec = value.get("spec", {})
        if not isinstance(spec, dict):
            raise self.problem("spec", "an object", spec)
        self.spec: dict[str, Any] = spec

    def problem(self, field: str, expected: str, found: object) -> ImportProblem:
        return ImportProblem(self.file, self.location, expected, field=field, found=found)

    def name(self) -> str:
        name = self.metadata.get("name")
        if not isinstance(name, str) or not name.strip():
            raise self.problem("metadata.name", "the entity's name", name)
        return name.strip()

    @property
    def namespace(self) -> str:
        space = self.metadata.get("namespace")
        return space.strip() if isinstance(space, str) and space.strip() else "default"

    def text(self, mapping: dict[str, Any], key: str, field: str) -> str | None:
        value = mapping.get(key)
        if value is None or value == "":
            return None
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise self.problem(field, "text", value)
        return str(value).strip() or None

    def refs(self, key: str) -> list[str]:
        value = self.spec.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.problem(f"spec.{key}", "a list of entity references", value)
        return [v.strip() for v in value if v.strip()]

    def profile(self) -> dict[str, Any]:
        profile = self.spec.get("profile")
        if profile is None:
            return {}
        if not isinstance(profile, dict):
            raise self.problem("spec.profile", "an object", profile)
        return profile


class _Reader:
    def __init__(self, file: str, directory: Directory, warnings: list[str]) -> None:
        self.file = file
        self.out = directory
        self.warnings = warnings
        self.groups_seen: dict[str, str] = {}

    def entity(self, value: object, number: int, skipped: dict[str, int]) -> None:
        if not isinstance(value, dict):
            raise ImportProblem(
                self.file,
                f"document {number}",
                "a catalog entity (apiVersion, kind, metadata)",
                found=value,
            )
        kind = value.get("kind")
        if not isinstance(kind, str) or not kind.strip():
            raise ImportProblem(
                self.file,
                f"document {number}",
                "an entity kind (Group, User, Component, …)",
                field="kind",
                found=kind,
            )
        doc = _Doc(self.file, number, value)
        if kind.casefold() not in _READ_KINDS:
            skipped[kind] = skipped.get(kind, 0) + 1
            return
        getattr(self, kind.casefold())(doc)

    def person_ref(self, key: str, login: str, location: str) -> None:
        self.out.people.append(PersonRecord(SOURCE, key, location, name=login, complete=False))

    def group(self, doc: _Doc) -> None:
        name = doc.name()
        key = f"{doc.namespace}/{name}"
        profile = doc.profile()
        if key.casefold() in self.groups_seen:
            self.warnings.append(
                f"{doc.location}: group {key} is defined twice (first in "
                f"{self.groups_seen[key.casefold()]}); both read, their members together"
            )
        self.groups_seen.setdefault(key.casefold(), doc.location)
        shown = (
            doc.text(profile, "displayName", "spec.profile.displayName")
            or doc.text(doc.metadata, "title", "metadata.title")
            or name
        )
        self.out.teams.append(
            TeamRecord(
                SOURCE,
                key,
                shown,
                doc.location,
                doc.text(doc.metadata, "description", "metadata.description"),
            )
        )
        for ref in doc.refs("members"):
            _kind, member = entity_key(ref, doc.namespace)
            self.person_ref(member, member.rsplit("/", 1)[-1], doc.location)
            self.out.team_members.append(TeamMemberRecord(SOURCE, key, member))

    def user(self, doc: _Doc) -> None:
        name = doc.name()
        key = f"{doc.namespace}/{name}"
        profile = doc.profile()
        self.out.people.append(
            PersonRecord(
                SOURCE,
                key,
                doc.location,
                name=doc.text(profile, "displayName", "spec.profile.displayName") or name,
                email=doc.text(profile, "email", "spec.profile.email"),
            )
        )
        for ref in doc.refs("memberOf"):
            _kind, group = entity_key(ref, doc.namespace)
            self.out.team_members.append(TeamMemberRecord(SOURCE, group, key))

    def component(self, doc: _Doc) -> None:
        name = doc.name()
        kind = doc.text(doc.spec, "type", "spec.type")
        if kind is not None and kind.casefold() in _NOT_SERVICES:
            return
        annotations = doc.metadata.get("annotations") or {}
        if not isinstance(annotations, dict):
            raise doc.problem("metadata.annotations", "an object", annotations)
        owner = doc.text(doc.spec, "owner", "spec.owner")
        owner_key = None
        if owner is not None:
            owner_kind, owner_key = entity_key(owner, doc.namespace)
            if owner_kind not in ("", "group"):
                owner_key = None  # a person owns it: no owner team
        known_as = []
        pagerduty = doc.text(annotations, "pagerduty.com/service-id", "pagerduty.com/service-id")
        if pagerduty:
            known_as.append(("pagerduty", pagerduty))
        opsgenie_team = doc.text(annotations, "opsgenie.com/team", "opsgenie.com/team")
        self.out.services.append(
            ServiceRecord(
                SOURCE,
                f"{doc.namespace}/{name}",
                doc.text(doc.metadata, "title", "metadata.title") or name,
                doc.location,
                description=doc.text(doc.metadata, "description", "metadata.description"),
                owner_team_key=owner_key,
                oncall_team_name=opsgenie_team,
                also_known_as=known_as,
            )
        )


FORMAT = SourceFormat(
    name="backstage",
    label="Backstage catalog YAML (Group, User, Component)",
    sniff=sniff,
    parse=parse,
)
