"""Reading each file of a Slack export: day files as event batches, workspace files for
what they say about the rest; the format itself."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from irdesk.importers.formats.base import Content, ImportOptions, SourceFormat
from irdesk.importers.formats.slack.channels import channel_link, unlinked_warning
from irdesk.importers.formats.slack.export import (
    CHANNEL_LISTS,
    DAY_FILE,
    USER_LISTS,
    WORKSPACE_FILES,
    base_name,
    channels_in,
    is_workspace_file,
    layout,
    read_export,
    sniff,
    users_in,
    workspace_root,
)
from irdesk.importers.formats.slack.messages import SOURCE, channel_events
from irdesk.importers.problems import ImportProblem
from irdesk.importers.reading.sources import SourceFile
from irdesk.importers.records import EventBatch, ParsedFile

# Talk starts before the page (someone noticed) and goes on after the fix (is it holding?).
WINDOW = (timedelta(hours=1), timedelta(hours=24))


def _day_file(
    content: Content, options: ImportOptions, siblings: Mapping[str, SourceFile]
) -> ParsedFile:
    parsed = content.parsed(FORMAT.name)
    file = content.name
    data = content.json
    if not isinstance(data, list):
        raise ImportProblem(file, "top level", "a list of Slack messages", found=data)
    root, channel = layout(file)
    if channel is None:
        raise ImportProblem(
            file,
            "",
            "a Slack day file inside its channel's folder, as Slack exports it "
            "(<channel>/<YYYY-MM-DD>.json); import the whole export folder or zip",
            found=base_name(file),
        )
    export = read_export(root, siblings)
    reference, explicit = channel_link(channel, export.channels.get(channel), options)
    if reference is None:
        # The channel list warns once for each listed channel; one it lacks warns here.
        if channel not in export.channels:
            parsed.warnings.append(unlinked_warning(channel, None))
            parsed.unlinked_channels.append(channel)
        return parsed

    events, unknown_authors = channel_events(file, data, channel, export, options)
    if not export.has_users:
        parsed.warnings.append(
            "no users.json from this export in the import: messages are shown without their "
            "authors (import the whole export folder or zip)"
        )
    elif unknown_authors:
        parsed.warnings.append(
            f"{len(unknown_authors)} author(s) not in users.json "
            f"({', '.join(sorted(unknown_authors)[:5])}): their messages have no author"
        )
    if events:
        parsed.event_batches.append(
            EventBatch(
                source=SOURCE,
                incident_external_id="",
                location=f"channel #{channel}",
                events=events,
                incident_ref=reference,
                required=explicit,
                window=WINDOW,
                channel=channel,
            )
        )
    return parsed


def _workspace_file(
    content: Content, options: ImportOptions, siblings: Mapping[str, SourceFile]
) -> ParsedFile:
    parsed = content.parsed(FORMAT.name)
    base = base_name(content.name)
    if base in USER_LISTS:
        users_in(content.file)  # only serves the day files, but a broken one is said here
        return parsed
    if base not in CHANNEL_LISTS:
        if not is_workspace_file(base, content.json):
            raise ImportProblem(
                content.name, "top level", f"Slack's {base} as Slack exports it", found=base
            )
        return parsed
    # Said here, once per channel, rather than by each of a channel's day files.
    channels = channels_in(content.file)
    root = workspace_root(content.name)
    days: dict[str, int] = {}
    for name in siblings:
        if DAY_FILE.match(base_name(name)):
            day_root, channel = layout(name)
            if day_root == root and channel is not None:
                days[channel] = days.get(channel, 0) + 1
    for channel, meta in channels.items():
        if days.get(channel) and channel_link(channel, meta, options)[0] is None:
            parsed.warnings.append(unlinked_warning(channel, days[channel]))
            parsed.unlinked_channels.append(channel)
    if base == "channels.json":
        for wanted in options.slack_channels:
            name = wanted.strip().lstrip("#")
            other_list = siblings.get(root + "groups.json")
            in_groups = other_list is not None and name in channels_in(other_list)
            if name and name not in channels and not in_groups:
                parsed.warnings.append(
                    f"the Slack channel options name #{name}, which this export does not have"
                )
    return parsed


def _parse(
    content: Content, options: ImportOptions, siblings: Mapping[str, SourceFile]
) -> ParsedFile:
    base = base_name(content.name)
    if base in WORKSPACE_FILES:
        return _workspace_file(content, options, siblings)
    if DAY_FILE.match(base):
        return _day_file(content, options, siblings)
    raise ImportProblem(
        content.name,
        "",
        "a file of a Slack export (users.json, channels.json, <channel>/<YYYY-MM-DD>.json)",
        found=base,
    )


def parse(content: Content, options: ImportOptions) -> ParsedFile:
    """A file on its own: people stay unnamed and channels.json warns about nothing."""
    return _parse(content, options, {})


@dataclass(frozen=True)
class _SlackFormat(SourceFormat):
    """Reads each file with the rest of its export in view (parsing.ReadsWithImport)."""

    def sniff_in_import(
        self, content: Content, options: ImportOptions, siblings: Mapping[str, SourceFile]
    ) -> bool:
        return sniff(content)

    def parse_in_import(
        self, content: Content, options: ImportOptions, siblings: Mapping[str, SourceFile]
    ) -> ParsedFile:
        return _parse(content, options, siblings)


FORMAT = _SlackFormat(
    name="slack",
    label="Slack export (workspace or channel; folder or zip)",
    sniff=sniff,
    parse=parse,
)
