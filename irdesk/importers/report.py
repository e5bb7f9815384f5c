"""The report step: what an import did (or, for a dry run, would do), in words."""

from dataclasses import dataclass, field

from irdesk.importers.records import LeftOut, ParsedFile
from irdesk.importers.referrals import ReferralLog
from irdesk.importers.writing.outcomes import DIRECTORY_KINDS, WriteResult


@dataclass
class ImportReport:
    files: list[ParsedFile]
    result: WriteResult
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False
    # Chat channels skipped for want of an incident, once each: the GUI offers to link them.
    unlinked_channels: list[str] = field(default_factory=list)
    # Records left out by --skip-bad-records: file, place, why.
    left_out: list[LeftOut] = field(default_factory=list)
    # What the import applied that the user did not give this time (remembered maps).
    notes: list[str] = field(default_factory=list)

    def count(self, change: str) -> int:
        return self.result.count_change(change)

    @property
    def new_events(self) -> int:
        return self.result.new_events

    @property
    def changed_anything(self) -> bool:
        return (
            bool(self.count("new") or self.count("updated"))
            or bool(self.result.merges)
            or bool(self.result.new_events or self.result.updated_events)
            or self.result.directory_changed
            or bool(self.result.action_changes)
        )

    def lines(self) -> list[str]:
        verb = "Would import" if self.dry_run else "Imported"
        out = [f"{verb} {len(self.files)} file(s):"]
        out += [
            f"  {f.name} ({f.format}, {f.size:,} bytes, sha256 {f.sha256[:12]}…)"
            for f in self.files
        ]
        out.append(
            f"Incidents: {self.count('new')} new, {self.count('updated')} updated, "
            f"{self.count('unchanged')} unchanged"
        )
        out.append(
            f"Timeline events: {self.new_events} new, {self.result.updated_events} updated, "
            f"{self.result.unchanged_events} unchanged"
        )
        for kind in DIRECTORY_KINDS:
            counts = self.result.directory.get(kind)
            if counts is None:
                continue
            out.append(
                f"{kind.capitalize()}: {counts['new']} new, {counts['updated']} updated, "
                f"{counts['unchanged']} unchanged"
            )
        for title, items in (
            (
                "New services (tier 3, SLO 99.9 %, no cost until you set them)",
                self.result.new_services,
            ),
            ("New people", self.result.new_people),
            ("People to check (kept apart until someone links them)", self.result.uncertain_people),
            ("Linked across tools", self.result.merges),
            ("Conflicts (your edits kept)", self.result.conflicts),
            ("Action items following their tickets", self.result.action_changes),
            (
                "Fields the files no longer give (stored values kept; --allow-emptying "
                "empties them)",
                self.result.kept_values,
            ),
            ("Fields emptied because the files no longer give them", self.result.emptied_values),
            ("Applied from earlier imports", self.notes),
            ("Warnings", self.warnings),
            ("Left out (--skip-bad-records)", [item.line() for item in self.left_out]),
        ):
            if items:
                out.append(f"{title}:")
                out += [f"  {item}" for item in items]
        return out


def import_report(
    parsed: list[ParsedFile],
    result: WriteResult,
    referrals: ReferralLog,
    skipped: list[str],
    dry_run: bool,
    left_out: list[LeftOut] | None = None,
) -> ImportReport:
    """The report of an import that read `parsed` and wrote `result`."""
    # Each already says which entry and why ("…/.env: skipped, a hidden file …").
    warnings = list(skipped)
    # An export with a header and nothing else is legal but rarely meant (a cut download,
    # a filter that matched nothing). Slack's users.json and channels.json hold no events.
    warnings += [
        f"{f.name}: holds no incidents or events (cut short, or an empty export?)"
        for f in parsed
        if not f.incidents
        and not f.streamed
        and not f.event_batches
        and not f.directory
        and f.format != "slack"
    ]
    warnings += [f"{f.name}: {w}" for f in parsed for w in f.warnings]
    warnings += referrals.warnings()
    warnings += result.directory_warnings
    channels = [c for f in parsed for c in f.unlinked_channels] + referrals.unlinked_channels
    return ImportReport(
        files=parsed,
        result=result,
        warnings=warnings,
        dry_run=dry_run,
        unlinked_channels=list(dict.fromkeys(channels)),
        left_out=[item for f in parsed for item in f.left_out] + (left_out or []),
    )
