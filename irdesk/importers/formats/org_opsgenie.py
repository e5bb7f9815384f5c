"""Opsgenie's directory: users, teams, schedules, schedule on-calls, escalations.

Accepted files
--------------
REST API v2 responses ``{"data": ..., "took", "requestId"}`` of ``GET /v2/users``,
``/v2/teams`` (a list, or one team with its ``members``), ``/v2/schedules`` (a list, or
one schedule with its rotations), ``/v2/schedules/{id}/on-calls`` and
``/v2/escalations``; and the Opsgenie SDK's fixture of several responses keyed by name
(``ListTeamResponse``, ``GetTeamResponse``; the others hold no directory). A users page
whose ``totalCount`` exceeds what it holds is read, with a warning.

Keys and names
--------------
Keyed by Opsgenie's ids (the SDK fixture's are not UUIDs, and need not be). A user is
named by ``username``, which is their email, so people meet their PagerDuty and
Backstage selves by email.

Membership
----------
A rotation's participants are members from its ``startDate`` to its ``endDate`` (open
when absent). An on-calls answer holds the participants at one instant that the
response does not repeat: the date is taken from the file's name (``…2019-10-15…``)
and the membership covers that UTC day; without one it is recorded undated, with a
warning.

Escalations
-----------
Each rule is a level, in order, with its delay as Opsgenie states it (after the alert
was created, unlike PagerDuty's delay after the previous level), its ``notifyType`` and
``condition``; recipients are users, schedules or teams.
"""

import re
from datetime import UTC, date, datetime, timedelta

from irdesk.importers.formats.base import Content, ImportOptions, SourceFormat
from irdesk.importers.formats.org_common import OrgNode, root_object
from irdesk.importers.org_records import (
    FROM_PARTICIPANT,
    FROM_SNAPSHOT,
    Directory,
    LevelRecord,
    PersonRecord,
    PolicyRecord,
    RotationMemberRecord,
    RotationRecord,
    TargetRecord,
    TeamMemberRecord,
    TeamRecord,
)
from irdesk.importers.reading.json_stream import is_array
from irdesk.importers.records import ParsedFile

SOURCE = "opsgenie"
_EXPECTED = 'an Opsgenie response {"data": ..., "took", "requestId"}'
_SDK_TEAMS = ("ListTeamResponse", "GetTeamResponse")
_TEAM_KEYS = frozenset({"id", "name", "description", "links", "members"})
_TURN_SECONDS = {"hourly": 3600, "daily": 86400, "weekly": 7 * 86400}
_MINUTES = {"minutes": 1, "hours": 60, "days": 1440}
_DATE_IN_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})")


def sniff(content: Content) -> bool:
    data = content.json_object()
    if data is None:
        return False
    if any(isinstance(data.get(name), dict) for name in _SDK_TEAMS):
        return True
    return _kind(data.get("data")) is not None


def _kind(data: object) -> str | None:
    """Which directory response `data` is, or None (an alert page, an error, …)."""
    if isinstance(data, dict):
        if "onCallParticipants" in data:
            return "oncalls"
        if "rotations" in data:
            return "schedule"
        if "members" in data and "id" in data:
            return "team"
        return None
    if not is_array(data) or not data or not isinstance(data[0], dict):
        return None
    first = data[0]
    if "username" in first and "fullName" in first:
        return "users"
    if "rules" in first and "ownerTeam" in first:
        return "escalations"
    if "rotations" in first or "timezone" in first:
        return "schedules"
    if {"id", "name"} <= first.keys() <= _TEAM_KEYS:
        return "teams"
    return None


def parse(content: Content, options: ImportOptions) -> ParsedFile:
    parsed = content.parsed(FORMAT.name)
    root = root_object(content, _EXPECTED)
    reader = _Reader(parsed.directory, parsed.warnings, options, content.name)
    if any(name in root.value for name in _SDK_TEAMS):
        for name in _SDK_TEAMS:
            response = root.child(name)
            if response is not None:
                reader.response(response, _kind(response.value.get("data")))
        return parsed
    kind = _kind(root.value.get("data"))
    if kind is None:
        raise root.problem(
            "data", _EXPECTED + " of users, teams, schedules or escalations", root.value.get("data")
        )
    reader.response(root, kind)
    total = root.value.get("totalCount")
    shown = root.value.get("data")
    if isinstance(total, int) and isinstance(shown, list) and total > len(shown):
        parsed.warnings.append(
            f"holds {len(shown)} of {total} (totalCount); import the other pages too"
        )
    return parsed


class _Reader:
    def __init__(
        self, directory: Directory, warnings: list[str], options: ImportOptions, file: str
    ) -> None:
        self.out = directory
        self.warnings = warnings
        self.options = options
        self.file = file

    def response(self, node: OrgNode, kind: str | None) -> None:
        if kind in ("team", "schedule", "oncalls"):
            one = node.child("data")
            assert one is not None  # _kind saw an object
            {"team": self.team, "schedule": self.schedule, "oncalls": self.oncalls}[kind](one)
            return
        each = {
            "users": self.user,
            "teams": self.team,
            "schedules": self.schedule,
            "escalations": self.escalation,
        }.get(kind or "")
        if each is None:
            raise node.problem("data", "users, teams, schedules or escalations", kind)
        for item in node.children("data"):
            each(item)

    def person_ref(self, node: OrgNode, email_key: str = "username") -> str:
        key = node.key()
        email = node.optional_text(email_key)
        email = email if email and "@" in email else None
        self.out.people.append(
            PersonRecord(SOURCE, key, node.path, name=email, email=email, complete=False)
        )
        return key

    def team_ref(self, node: OrgNode | None) -> str | None:
        if node is None:
            return None
        key = node.key()
        name = node.optional_text("name") or key
        self.out.teams.append(TeamRecord(SOURCE, key, name, node.path, complete=False))
        return key

    def user(self, node: OrgNode) -> None:
        role = node.child("role")
        username = node.text("username", "a username (the user's email)")
        self.out.people.append(
            PersonRecord(
                SOURCE,
                node.key(),
                node.path,
                name=node.optional_text("fullName") or username,
                email=username if "@" in username else None,
                role=role.optional_text("name") if role else None,
                time_zone=node.zone("timeZone", self.warnings),
            )
        )

    def team(self, node: OrgNode) -> None:
        key = node.key()
        self.out.teams.append(
            TeamRecord(
                SOURCE,
                key,
                node.text("name", "a team name"),
                node.path,
                node.optional_text("description"),
            )
        )
        for member in node.children("members"):
            user = member.child("user")
            if user is None:
                raise member.problem("user", "the member's user {id, username}", None)
            self.out.team_members.append(
                TeamMemberRecord(SOURCE, key, self.person_ref(user), member.optional_text("role"))
            )

    def schedule(self, node: OrgNode) -> None:
        key = node.key()
        self.out.rotations.append(
            RotationRecord(
                SOURCE,
                key,
                node.text("name", "a schedule name"),
                node.path,
                team_key=self.team_ref(node.child("ownerTeam")),
                time_zone=node.zone("timezone", self.warnings),
            )
        )
        for rotation in node.children("rotations"):
            self.rotation(rotation, key)

    def rotation(self, node: OrgNode, schedule_key: str) -> None:
        key = node.key()
        kind = node.optional_text("type")
        if kind is not None and kind not in _TURN_SECONDS:
            raise node.problem("type", "hourly, daily or weekly", kind)
        length = node.whole("length", "a whole number of turns") or 1
        starts = node.optional_time("startDate", self.options)
        ends = node.optional_time("endDate", self.options)
        self.out.rotations.append(
            RotationRecord(
                SOURCE,
                key,
                node.text("name", "a rotation name"),
                node.path,
                kind="layer",
                parent_key=schedule_key,
                turn_seconds=_TURN_SECONDS[kind] * length if kind else None,
                starts_at=starts,
                ends_at=ends,
            )
        )
        for index, participant in enumerate(node.children("participants")):
            if participant.optional_text("type") != "user":
                self.warnings.append(
                    f"{participant.path}: a {participant.value.get('type')} participant, "
                    "not a person; left out of the rotation's members"
                )
                continue
            self.out.members.append(
                RotationMemberRecord(
                    SOURCE,
                    key,
                    self.person_ref(participant),
                    FROM_PARTICIPANT,
                    starts,
                    ends,
                    index + 1,
                )
            )

    def oncalls(self, node: OrgNode) -> None:
        parent = node.child("_parent")
        if parent is None:
            raise node.problem("_parent", "the schedule {id, name} the answer is for", None)
        key = parent.key()
        name = parent.optional_text("name") or key
        self.out.rotations.append(RotationRecord(SOURCE, key, name, parent.path, complete=False))
        day = _date_in_name(self.file)
        starts = ends = None
        if day is None:
            self.warnings.append(
                "an on-call answer names no date and its file name holds none (…2019-10-15…); "
                "its people are recorded as members, undated"
            )
        else:
            starts = datetime(day.year, day.month, day.day, tzinfo=UTC)
            ends = starts + timedelta(days=1)
        for participant in node.children("onCallParticipants"):
            if participant.optional_text("type") != "user":
                continue
            person = self.person_ref(participant, email_key="name")
            self.out.members.append(
                RotationMemberRecord(SOURCE, key, person, FROM_SNAPSHOT, starts, ends)
            )

    def escalation(self, node: OrgNode) -> None:
        levels = []
        for rule in node.children("rules"):
            levels.append(
                LevelRecord(
                    self.delay(rule),
                    [self.recipient(rule)],
                    notify=rule.optional_text("notifyType"),
                    condition=rule.optional_text("condition"),
                )
            )
        self.out.policies.append(
            PolicyRecord(
                SOURCE,
                node.key(),
                node.text("name", "an escalation name"),
                node.path,
                team_key=self.team_ref(node.child("ownerTeam")),
                levels=levels,
            )
        )

    def delay(self, rule: OrgNode) -> float:
        delay = rule.child("delay")
        if delay is None:
            return 0.0
        amount = delay.number("timeAmount", "a number of time units, 0 or more") or 0.0
        unit = delay.optional_text("timeUnit") or "minutes"
        if unit not in _MINUTES:
            raise delay.problem("timeUnit", "minutes, hours or days", unit)
        return amount * _MINUTES[unit]

    def recipient(self, rule: OrgNode) -> TargetRecord:
        node = rule.child("recipient")
        if node is None:
            raise rule.problem("recipient", "a recipient {type, id}", None)
        kind = node.text("type", "user, schedule or team")
        if kind == "user":
            key = self.person_ref(node)
            return TargetRecord("person", key, node.optional_text("username"))
        if kind == "schedule":
            key = node.key()
            name = node.optional_text("name")
            self.out.rotations.append(
                RotationRecord(SOURCE, key, name or key, node.path, complete=False)
            )
            return TargetRecord("rotation", key, name)
        if kind == "team":
            return TargetRecord("team", self.team_ref(node) or "", node.optional_text("name"))
        raise node.problem("type", "user, schedule or team", kind)


def _date_in_name(name: str) -> date | None:
    match = _DATE_IN_NAME.search(name.rsplit("/", 1)[-1])
    if match is None:
        return None
    try:
        return date.fromisoformat(match.group(1))
    except ValueError:
        return None


FORMAT = SourceFormat(
    name="opsgenie-directory",
    label="Opsgenie directory (users, teams, schedules, on-calls, escalations)",
    sniff=sniff,
    parse=parse,
)
