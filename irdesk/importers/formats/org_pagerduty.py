"""PagerDuty's directory: users, teams, schedules, escalation policies, services, on-calls.

Accepted files
--------------
A REST API v2 list page (``{"users": [...], "limit", "offset", "more", "total"}``, and
likewise ``teams``, ``schedules`` with ``include[]=schedule_layers``,
``escalation_policies``, ``services``, ``oncalls``), a single schedule
(``{"schedule": {...}}``, rendered with ``since``/``until`` or not), and the legacy v1
schedule, whose layers embed whole users. A page saying ``more: true`` is read, with a
warning that more pages follow.

Keys and names
--------------
Everything is keyed by PagerDuty's id, never by a reference's ``summary``, which can
be stale: a person named only in a reference gets that name until a users export says
otherwise. Non-IANA zones (v1, older accounts: "Eastern Time (US & Canada)") are
mapped to IANA with a warning.

Services name the escalation policy they page through (``escalation_policy``), and a
policy lists its ``services``; either links the two once both are in the directory.

Membership
----------
A layer's users are members from the layer's ``start`` to its ``end`` (open when
absent); ``rendered_schedule_entries`` are dated memberships of their layer and the
final schedule's entries of the schedule itself; each on-call is a membership of its
schedule over its interval, with its escalation level. An on-call without a schedule
(a user targeted directly) is no rotation membership and is reported.
"""

from irdesk.importers.formats.base import Content, ImportOptions, SourceFormat
from irdesk.importers.formats.org_common import OrgNode, list_of_objects, root_object
from irdesk.importers.org_records import (
    FROM_FINAL,
    FROM_LAYER,
    FROM_ONCALL,
    FROM_RENDERED,
    Directory,
    LevelRecord,
    PersonRecord,
    PolicyRecord,
    RotationMemberRecord,
    RotationRecord,
    ServiceRecord,
    TargetRecord,
    TeamMemberRecord,
    TeamRecord,
)
from irdesk.importers.records import ParsedFile

SOURCE = "pagerduty"
_LISTS = ("users", "teams", "schedules", "escalation_policies", "services", "oncalls")
_EXPECTED = (
    'a PagerDuty list page ({"users"|"teams"|"schedules"|"escalation_policies"|'
    '"services"|"oncalls": [...]}) or a schedule ({"schedule": {...}})'
)


def sniff(content: Content) -> bool:
    data = content.json_object()
    if data is None:
        return False
    schedule = data.get("schedule")
    if isinstance(schedule, dict) and "schedule_layers" in schedule:
        return True
    lists = [key for key in _LISTS if key in data]
    # A page of one list; paging keys or items typed as PagerDuty types them.
    if len(lists) != 1 or list_of_objects(data[lists[0]]) is None:
        return False
    items = data[lists[0]]
    paged = "limit" in data or "more" in data or "offset" in data
    return paged and (not items or _looks_like(lists[0], items[0]))


def _looks_like(kind: str, item: dict[str, object]) -> bool:
    if kind == "oncalls":
        return "escalation_level" in item or "escalation_policy" in item
    if kind == "escalation_policies":
        return "escalation_rules" in item
    if kind == "schedules":
        return "time_zone" in item or "schedule_layers" in item
    return "id" in item and ("type" in item or "name" in item)


def parse(content: Content, options: ImportOptions) -> ParsedFile:
    parsed = content.parsed(FORMAT.name)
    root = root_object(content, _EXPECTED)
    reader = _Reader(parsed.directory, parsed.warnings, options)
    if root.value.get("more") is True:
        parsed.warnings.append("the page says more follow (more: true); import the other pages too")
    single = root.child("schedule")
    if single is not None:
        reader.schedule(single)
    for node in root.children("users"):
        reader.user(node)
    for node in root.children("teams"):
        reader.team(node)
    for node in root.children("schedules"):
        reader.schedule(node)
    for node in root.children("escalation_policies"):
        reader.policy(node)
    for node in root.children("services"):
        reader.service(node)
    for node in root.children("oncalls"):
        reader.oncall(node)
    return parsed


class _Reader:
    def __init__(self, directory: Directory, warnings: list[str], options: ImportOptions) -> None:
        self.out = directory
        self.warnings = warnings
        self.options = options

    def team_ref(self, node: OrgNode | None) -> str | None:
        if node is None:
            return None
        key = node.key()
        name = node.optional_text("summary") or node.optional_text("name") or key
        self.out.teams.append(TeamRecord(SOURCE, key, name, node.path, complete=False))
        return key

    def first_team(self, node: OrgNode) -> str | None:
        teams = node.children("teams")
        return self.team_ref(teams[0]) if teams else None

    def person_ref(self, node: OrgNode) -> str:
        """A user reference, or a v1 embedded user (name and email, no summary)."""
        key = node.key()
        name = node.optional_text("name") or node.optional_text("summary")
        email = node.optional_text("email")
        self.out.people.append(
            PersonRecord(SOURCE, key, node.path, name=name, email=email, complete=False)
        )
        return key

    def user(self, node: OrgNode) -> None:
        key = node.key()
        self.out.people.append(
            PersonRecord(
                SOURCE,
                key,
                node.path,
                name=node.optional_text("name") or node.optional_text("summary") or key,
                email=node.optional_text("email"),
                role=node.optional_text("job_title") or node.optional_text("role"),
                time_zone=node.zone("time_zone", self.warnings),
            )
        )
        for team in node.children("teams"):
            team_key = self.team_ref(team)
            if team_key is not None:
                self.out.team_members.append(TeamMemberRecord(SOURCE, team_key, key))

    def team(self, node: OrgNode) -> None:
        key = node.key()
        name = node.optional_text("name") or node.text("summary", "a team name")
        self.out.teams.append(
            TeamRecord(SOURCE, key, name, node.path, node.optional_text("description"))
        )

    def schedule(self, node: OrgNode) -> None:
        key = node.key()
        self.out.rotations.append(
            RotationRecord(
                SOURCE,
                key,
                node.optional_text("name") or node.optional_text("summary") or key,
                node.path,
                team_key=self.first_team(node),
                time_zone=node.zone("time_zone", self.warnings),
            )
        )
        for user in node.children("users"):
            self.person_ref(user)
        for layer in node.children("schedule_layers"):
            self.layer(layer, key)
        final = node.child("final_schedule")
        if final is not None:
            self.entries(final, key, FROM_FINAL)

    def layer(self, node: OrgNode, schedule_key: str) -> None:
        name = node.text("name", "a layer name")
        # Layers listed with a schedule have no id; their name is unique within it.
        key = node.optional_text("id") or f"{schedule_key}/{name}"
        starts = node.optional_time("start", self.options)
        ends = node.optional_time("end", self.options)
        self.out.rotations.append(
            RotationRecord(
                SOURCE,
                key,
                name,
                node.path,
                kind="layer",
                parent_key=schedule_key,
                turn_seconds=node.whole("rotation_turn_length_seconds"),
                starts_at=starts,
                ends_at=ends,
            )
        )
        for index, member in enumerate(node.children("users")):
            user = member.child("user")
            if user is None:
                raise member.problem("user", "a user reference", None)
            position = member.whole("member_order") or index + 1
            self.out.members.append(
                RotationMemberRecord(
                    SOURCE, key, self.person_ref(user), FROM_LAYER, starts, ends, position
                )
            )
        self.entries(node, key, FROM_RENDERED)

    def entries(self, node: OrgNode, rotation_key: str, how: str) -> None:
        for entry in node.children("rendered_schedule_entries"):
            user = entry.child("user")
            if user is None:
                raise entry.problem("user", "a user reference", None)
            self.out.members.append(
                RotationMemberRecord(
                    SOURCE,
                    rotation_key,
                    self.person_ref(user),
                    how,
                    entry.time("start", self.options),
                    entry.time("end", self.options),
                )
            )

    def policy(self, node: OrgNode) -> None:
        key = node.key()
        levels = []
        for rule in node.children("escalation_rules"):
            delay = rule.number("escalation_delay_in_minutes", "minutes, 0 or more")
            if delay is None:
                raise rule.problem("escalation_delay_in_minutes", "minutes, 0 or more", None)
            levels.append(LevelRecord(delay, [self.target(t) for t in rule.children("targets")]))
        self.out.policies.append(
            PolicyRecord(
                SOURCE,
                key,
                node.optional_text("name") or node.text("summary", "a policy name"),
                node.path,
                team_key=self.first_team(node),
                loops=node.whole("num_loops"),
                levels=levels,
            )
        )
        for service in node.children("services"):
            self.out.service_policies.append((SOURCE, service.key(), key))

    def target(self, node: OrgNode) -> TargetRecord:
        kind = node.text("type", "user_reference or schedule_reference")
        name = node.optional_text("summary")
        if kind in ("user_reference", "user"):
            return TargetRecord("person", self.person_ref(node), name)
        if kind in ("schedule_reference", "schedule"):
            key = node.key()
            self.out.rotations.append(
                RotationRecord(SOURCE, key, name or key, node.path, complete=False)
            )
            return TargetRecord("rotation", key, name)
        raise node.problem("type", "user_reference or schedule_reference", kind)

    def service(self, node: OrgNode) -> None:
        self.out.services.append(
            ServiceRecord(
                SOURCE,
                node.key(),
                node.optional_text("name") or node.text("summary", "a service name"),
                node.path,
                description=node.optional_text("description"),
                owner_team_key=self.first_team(node),
                policy_key=self.policy_ref(node.child("escalation_policy")),
            )
        )

    def policy_ref(self, node: OrgNode | None) -> str | None:
        return None if node is None else node.key()

    def oncall(self, node: OrgNode) -> None:
        user = node.child("user")
        if user is None:
            raise node.problem("user", "a user reference", None)
        person = self.person_ref(user)
        schedule = node.child("schedule")
        if schedule is None:
            self.warnings.append(
                f"{node.path}: on call through an escalation policy, not a schedule; "
                "no rotation membership recorded"
            )
            return
        key = schedule.key()
        name = schedule.optional_text("summary") or key
        self.out.rotations.append(RotationRecord(SOURCE, key, name, schedule.path, complete=False))
        self.out.members.append(
            RotationMemberRecord(
                SOURCE,
                key,
                person,
                FROM_ONCALL,
                node.optional_time("start", self.options),
                node.optional_time("end", self.options),
                escalation_level=node.whole("escalation_level"),
            )
        )


FORMAT = SourceFormat(
    name="pagerduty-directory",
    label="PagerDuty directory (users, teams, schedules, escalation policies, services, on-calls)",
    sniff=sniff,
    parse=parse,
)
