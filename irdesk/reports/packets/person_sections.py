"""The sections of a manager's packet: one person's period, their incidents and the feedback
notes about them."""

from reportlab.platypus import Flowable, KeepTogether

from irdesk.domain.person_cells import Section, sections, summary
from irdesk.domain.person_period import PersonPeriod
from irdesk.reports.packets.layout import Layout, column_shares, utc_text
from irdesk.storage.reads.packet_data import PersonPacketData

# Columns the page leaves out: the incidents' titles are in the Incidents section.
LEFT_OUT = {"incidents": {"Title"}}
TABLE_ROWS = 200


class PersonSections:
    def __init__(
        self, layout: Layout, data: PersonPacketData, period: PersonPeriod | None = None
    ) -> None:
        self.layout = layout
        self.data = data
        self.period_facts = period

    def draw(self, name: str) -> list[Flowable]:
        return {
            "Overview": self.overview,
            "Period": self.period,
            "Incidents": self.incidents,
            "Feedback notes": self.feedback,
        }[name]()

    def period(self) -> list[Flowable]:
        """The facts of the period asked for, as the Person window shows them; the notes
        stay in their own section."""
        facts = self.period_facts
        if facts is None:
            return [
                self.layout.para(
                    "No period was asked for: irdesk packet --from DATE --to DATE adds one.",
                    redact=False,
                )
            ]
        out: list[Flowable] = [self.layout.para(summary(facts)), self.layout.gap()]
        for section in sections(facts, notes=False):
            out += self.period_table(section)
        return out

    def period_table(self, section: Section) -> list[Flowable]:
        title = self.layout.para(section.title, "cellhead", redact=False)
        if not section.rows:
            return [
                title,
                self.layout.para(section.empty, "small", redact=False),
                self.layout.gap(),
            ]
        dropped = LEFT_OUT.get(section.key, set())
        keep = [i for i, name in enumerate(section.columns) if name not in dropped]
        rows: list[list[str | None]] = [[section.columns[i] for i in keep]]
        rows += [[row.cells[i] for i in keep] for row in section.rows]
        return [title, self.layout.table(rows, column_shares(rows)), self.layout.gap()]

    def overview(self) -> list[Flowable]:
        p = self.data.person
        return [
            self.layout.facts(
                [
                    ("Person", p.name),
                    ("Role", p.role),
                    ("Team", p.team),
                    (f"Incidents taken part in{self.when()}", str(len(self.data.incidents))),
                    (f"Feedback notes{self.when()}", self.note_count()),
                ]
            ),
            self.layout.gap(),
            self.layout.para(
                "Facts for a conversation, not a verdict: findings about the system stay in the "
                "reviews; these notes are about one person and are shown to their manager only.",
                "small",
                redact=False,
            ),
        ]

    def when(self) -> str:
        """Whose time the counts cover: the period asked for, else all of it."""
        facts = self.period_facts
        if facts is None:
            return " (all time)"
        return f", {facts.first_day:%Y-%m-%d} to {facts.last_day:%Y-%m-%d}"

    def note_count(self) -> str:
        shown = str(len(self.data.feedback))
        if not self.data.locked_notes:
            return shown
        # A locked note's date is sealed with it, so locked ones are counted whatever their date.
        return f"{shown} shown, {self.data.locked_notes} locked (of any date)"

    def incidents(self) -> list[Flowable]:
        if not self.data.incidents:
            return [self.layout.para("No incidents involve this person.", redact=False)]
        header: list[str | None] = ["Incident", "Started", "Severity", "Part", "Events"]
        out: list[Flowable] = []
        items = self.data.incidents
        # Tables of TABLE_ROWS each: reportlab splits a long table again on every page it
        # fills, so one table of thousands of rows costs the square of its pages.
        for n in range(0, len(items), TABLE_ROWS):
            rows = [header]
            for item in items[n : n + TABLE_ROWS]:
                rows.append(
                    [
                        f"{item.incident.external_id} — {item.incident.title}",
                        utc_text(item.incident.lifecycle["started_at"])[:10],
                        item.incident.severity,
                        item.part,
                        str(item.events),
                    ]
                )
            out.append(self.layout.table(rows, [0.44, 0.13, 0.11, 0.22, 0.1]))
        return out

    def locked(self) -> list[Flowable]:
        count = self.data.locked_notes
        if not count:
            return []
        readers = ", ".join(self.data.locked_readers) or "nobody"
        return [
            self.layout.para(
                f"{count} feedback note{'s are' if count != 1 else ' is'} locked: "
                f"{'they are' if count != 1 else 'it is'} sealed to {readers}, and this packet "
                "was made without one of their identities unlocked, so "
                f"{'their' if count != 1 else 'its'} text is not shown.",
                redact=False,
            ),
            self.layout.gap(4),
        ]

    def feedback(self) -> list[Flowable]:
        if not self.data.feedback and not self.data.locked_notes:
            return [
                self.layout.para("No feedback notes were written about this person.", redact=False)
            ]
        out: list[Flowable] = self.locked()
        for note in self.data.feedback:
            about = f" on {note.incident}" if note.incident else ""
            author = f" by {note.author}" if note.author else ""
            justified = ""
            if note.dimensions:
                justified += " — about " + ", ".join(d.replace("_", " ") for d in note.dimensions)
            if note.deviation_justified is not None:
                justified = " — leaving the runbook was " + (
                    "justified" if note.deviation_justified else "not justified"
                )
            out.append(
                KeepTogether(
                    [
                        self.layout.para(
                            f"{note.kind.replace('_', ' ').capitalize()}{about}, "
                            f"{note.written_at:%Y-%m-%d}{author}{justified}",
                            "cellhead",
                        ),
                        *self.layout.paras(note.text),
                        self.layout.gap(4),
                    ]
                )
            )
        return out
