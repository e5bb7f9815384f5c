"""Runbooks from a folder of Markdown files: one runbook per file, its checklist the steps.

A file names its service in front matter (``service: Payments API`` between ``---``
lines at the top) or, failing that, by its name (``payments-api.md`` → "payments-api";
matched to services without case). Its title is the front matter's ``title``, else the
first ``# heading``, else the service. Each checklist item (``- [ ] step``, ``* [x]
step``, ``1. [ ] step``, nested up to 64 spaces deep) is a step, in the order written;
nesting is flattened, since a step is done or not whatever it sits under.

Step text keeps the words and drops the markup: links and images keep their text,
code spans their code, emphasis markers and HTML tags go. Everything is bounded, so a
hostile file costs little: a file over MAX_FILE_BYTES or with more than MAX_STEPS steps
is refused with a sentence naming it (a file with no checklist is skipped with a
warning: an index or a README beside the runbooks), a line is read up to MAX_LINE_CHARS and a step
kept up to MAX_STEP_CHARS (longer ones are cut, with a warning), and a folder holds at
most MAX_FILES Markdown files. Nothing is written unless every file reads.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

MAX_FILE_BYTES = 512 * 1024
MAX_FILES = 500
MAX_STEPS = 300
MAX_LINE_CHARS = 4000
MAX_STEP_CHARS = 300
FRONT_MATTER_LINES = 50
SUFFIXES = (".md", ".markdown")

CHECK_ITEM = re.compile(r"^\s{0,64}(?:[-*+]|\d{1,9}[.)])\s+\[[ xX]\]\s+(.*)$")
HEADING = re.compile(r"^#\s+(.*)$")
FRONT_KEY = re.compile(r"^([A-Za-z_]+)\s*:\s*(.*)$")
# No pattern can run past the next bracket, backtick or angle bracket, so each is read
# in time proportional to the line, whatever markup a file stacks up.
IMAGE = re.compile(r"!\[([^\[\]]*)\]\([^()\[\]\s]*\)")
LINK = re.compile(r"\[([^\[\]]*)\]\([^()\[\]\s]*\)")
TAG = re.compile(r"<[^<>]*>")
CODE = re.compile(r"`+([^`]*)`+")
EMPHASIS = re.compile(r"(\*\*|__|~~|\*|_)")


class RunbookProblem(Exception):
    """A runbook file irdesk cannot take, in one sentence naming the file and the reason."""


@dataclass
class RunbookDraft:
    service: str
    title: str
    source: str
    steps: list[str] = field(default_factory=list)


@dataclass
class RunbookFolder:
    runbooks: list[RunbookDraft]
    warnings: list[str] = field(default_factory=list)


def plain_text(markdown: str) -> str:
    """A line of Markdown as words: markup dropped, spaces collapsed."""
    text = IMAGE.sub(r"\1", markdown)
    text = LINK.sub(r"\1", text)
    text = CODE.sub(r"\1", text)
    text = TAG.sub("", text)
    text = EMPHASIS.sub("", text)
    return " ".join(text.split())


def _front_matter(lines: list[str]) -> tuple[dict[str, str], int]:
    """The front matter's keys (lowercased) and the index of the first line after it."""
    if not lines or lines[0].strip() != "---":
        return {}, 0
    values: dict[str, str] = {}
    for index in range(1, min(len(lines), FRONT_MATTER_LINES)):
        line = lines[index].strip()
        if line in ("---", "..."):
            return values, index + 1
        match = FRONT_KEY.match(line)
        if match:
            values[match[1].lower()] = match[2].strip().strip("\"'")
    return {}, 0  # no closing line: not front matter, read it as text


def parse_runbook(text: str, name: str, warnings: list[str]) -> RunbookDraft | None:
    """One file's runbook; None when it has no checklist, RunbookProblem for too many steps."""
    lines = [line[:MAX_LINE_CHARS] for line in text.splitlines()]
    front, start = _front_matter(lines)
    service = plain_text(front.get("service", "")) or Path(name).stem
    title = plain_text(front.get("title", ""))
    steps: list[str] = []
    for number, line in enumerate(lines[start:], start=start + 1):
        if not title and (heading := HEADING.match(line)):
            title = plain_text(heading[1])
        item = CHECK_ITEM.match(line)
        if item is None:
            continue
        step = plain_text(item[1])
        if not step:
            continue
        if len(step) > MAX_STEP_CHARS:
            warnings.append(
                f"{name}, line {number}: step cut to {MAX_STEP_CHARS} characters "
                f"(it has {len(step)})"
            )
            step = step[: MAX_STEP_CHARS - 1] + "…"
        if len(steps) == MAX_STEPS:
            raise RunbookProblem(
                f"{name}, line {number}: expected at most {MAX_STEPS} checklist steps in "
                "one runbook, found more"
            )
        steps.append(step)
    if not steps:
        return None
    return RunbookDraft(service=service, title=title or service, source=name, steps=steps)


def read_folder(folder: Path) -> RunbookFolder:
    """Every Markdown file directly in `folder`, each a runbook; RunbookProblem for the
    first one that cannot be read, so a bad folder changes nothing."""
    if not folder.is_dir():
        raise RunbookProblem(f"{folder}: expected a folder of Markdown runbooks, found none")
    files = sorted(
        path
        for path in folder.iterdir()
        if path.suffix.lower() in SUFFIXES and not path.name.startswith(".")
    )
    if not files:
        raise RunbookProblem(f"{folder}: expected Markdown files (.md), found none")
    if len(files) > MAX_FILES:
        raise RunbookProblem(
            f"{folder}: expected at most {MAX_FILES} runbook files, found {len(files)}"
        )
    warnings: list[str] = []
    runbooks: list[RunbookDraft] = []
    services: dict[str, str] = {}
    for path in files:
        if not path.is_file():
            raise RunbookProblem(f"{path}: expected a regular file")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise RunbookProblem(
                f"{path}: expected a runbook of at most {MAX_FILE_BYTES // 1024} KiB, "
                f"found {size:,} bytes"
            )
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise RunbookProblem(
                f"{path}, byte {error.start}: expected UTF-8 text, found {data[error.start]:#04x}"
            ) from None
        draft = parse_runbook(text, str(path), warnings)
        if draft is None:
            # An index or a note beside the runbooks (a README), not a runbook.
            warnings.append(f"{path}: no checklist steps ('- [ ] step'); not a runbook, skipped")
            continue
        key = draft.service.casefold()
        if key in services:
            raise RunbookProblem(
                f"{path}: service {draft.service!r} already has a runbook in {services[key]}"
            )
        services[key] = str(path)
        runbooks.append(draft)
    if not runbooks:
        raise RunbookProblem(
            f"{folder}: expected checklist steps such as '- [ ] Page the on-call' in its "
            "Markdown files, found none"
        )
    return RunbookFolder(runbooks, warnings)
