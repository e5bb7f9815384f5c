"""The calibration packet's sections: teams side by side, the overrides and their reasons,
review health and the calibration sessions held, in the words the windows use.

The feedback-note section names whose keys opened the notes; a note those keys do not
open is counted as locked and never read, and without any keys only the counts show.

The review-health table is `domain.review_health.health_cells`'s: a group with fewer
than three survey answers reads "fewer than 3" and shows no survey figure here either.
"""

from reportlab.platypus import Flowable

from irdesk.domain.calibration import (
    MEASURES,
    NOTE_MEASURES,
    factor_names,
    note_cells,
    notes_reader_text,
    tagging_cells,
    tagging_flags,
    tagging_measures,
    team_cells,
)
from irdesk.domain.review_health import COLUMNS, MIN_GROUP, health_cells
from irdesk.reports.packets.layout import Layout
from irdesk.storage.reads.review_facts import Calibration, ReviewHealth

SECTIONS = (
    "Teams side by side",
    "Overrides and reasons",
    "Contributing factors by team",
    "Feedback-note dimensions",
    "Review health",
    "Calibration sessions",
)
Cells = list[list[str | None]]


class CalibrationSections:
    def __init__(self, layout: Layout, calibration: Calibration, health: ReviewHealth) -> None:
        self.layout = layout
        self.calibration = calibration
        self.health = health

    def draw(self, name: str) -> list[Flowable]:
        return {
            "Teams side by side": self.teams,
            "Overrides and reasons": self.overrides,
            "Contributing factors by team": self.factors,
            "Feedback-note dimensions": self.notes,
            "Review health": self.review_health,
            "Calibration sessions": self.sessions,
        }[name]()

    def _none(self, text: str) -> list[Flowable]:
        return [self.layout.para(text, redact=False)]

    def teams(self) -> list[Flowable]:
        teams = self.calibration.teams
        if not teams:
            return self._none("No review was approved in the period.")
        return [self._side_by_side(list(MEASURES), [team_cells(t) for t in teams])]

    def overrides(self) -> list[Flowable]:
        rows: Cells = [["Team", "Incident", "Override", "Reason"]]
        for team in self.calibration.teams:
            for o in team.overrides:
                what = f"{o.chosen.value}, proposed {o.proposed.value}"
                rows.append([team.team, o.label, what, o.reason])
            for b in team.blame_overrides:
                rows.append([team.team, b.label, "approved over blame flags", b.reason])
        if len(rows) == 1:
            return self._none("No tier was chosen against the proposal, no flag overridden.")
        return [self.layout.table(rows, [0.16, 0.16, 0.26, 0.42])]

    def _side_by_side(
        self, measures: list[tuple[str, str]], cells: list[dict[str, str]]
    ) -> Flowable:
        teams = self.calibration.teams
        rows: Cells = [["Measure", *(t.team for t in teams)]]
        rows += [[label, *(c[key] for c in cells)] for key, label in measures]
        first = 0.34
        shares = [first] + [(1 - first) / len(teams)] * len(teams)
        return self.layout.table(rows, shares, redact=False)

    def factors(self) -> list[Flowable]:
        tagging = self.calibration.tagging
        if not self.calibration.teams:
            return self._none("No review was approved in the period.")
        layout = self.layout
        names = factor_names(tagging)
        out: list[Flowable] = [
            layout.para(
                "Contributing-factor findings and near misses on the reviews above: how many "
                "carry a confirmed factor, each factor's share of the tagged ones, and the "
                "suggestions from the findings' words that facilitators confirmed or left out.",
                redact=False,
            ),
            layout.gap(4),
            self._side_by_side(
                tagging_measures(tagging), [tagging_cells(t, names) for t in tagging]
            ),
            layout.gap(6),
        ]
        flags = tagging_flags(tagging)
        if not flags:
            return [*out, *self._none("No team tags differently from the others.")]
        out.append(layout.para("Where a team tags differently from the others:", redact=False))
        out += [layout.para(f"– {flag}", redact=False) for flag in flags]
        return out

    def notes(self) -> list[Flowable]:
        calibration = self.calibration
        if not calibration.teams:
            return self._none("No review was approved in the period.")
        unlocked = calibration.notes_reader is not None
        return [
            self.layout.para(
                notes_reader_text(calibration.notes_reader, calibration.notes), redact=False
            ),
            self.layout.gap(4),
            self._side_by_side(
                list(NOTE_MEASURES), [note_cells(n, unlocked) for n in calibration.notes]
            ),
        ]

    def review_health(self) -> list[Flowable]:
        layout = self.layout
        out: list[Flowable] = [
            layout.para(
                "What attendees said of their reviews, per tier, team and quarter of approval. "
                f"A group with fewer than {MIN_GROUP} answers shows no survey figure, so no "
                "one's answer can be read back. ▲/▼: change from the previous quarter.",
                redact=False,
            ),
            layout.gap(4),
        ]
        if not self.health.rows:
            return [*out, *self._none("No review was approved in the period.")]
        # Tier, team and quarter in one cell: ten narrow columns would break their words.
        keys = [k for k, _ in COLUMNS][3:]
        labels = dict(COLUMNS)
        rows: Cells = [["Tier · team · quarter", *(labels[k] for k in keys)]]
        for row in self.health.rows:
            cells = health_cells(row)
            group = f"{cells['tier']} · {cells['team']} · {cells['period']}"
            rows.append([group, *(cells[k] for k in keys)])
        shares = [0.22, 0.08, 0.1, 0.11, 0.09, 0.1, 0.12, 0.18]
        out.append(layout.table(rows, shares, redact=False))
        if self.health.versions:
            versions: Cells = [["Policy version", "Saved", "Note"]]
            versions += [[f"v{n}", f"{at:%Y-%m-%d}", note] for n, at, note in self.health.versions]
            out += [layout.gap(6), layout.table(versions, [0.16, 0.16, 0.68])]
        return out

    def sessions(self) -> list[Flowable]:
        if not self.calibration.sessions:
            return self._none("No calibration session is recorded over the period.")
        rows: Cells = [["Held", "Attendees", "Discussed", "Decided", "Led to"]]
        for s in self.calibration.sessions:
            led = f"v{s.policy_version}: {s.policy_note or ''}" if s.policy_version else "—"
            rows.append([str(s.held_on), ", ".join(s.attendees), s.discussed, s.decisions, led])
        return [self.layout.table(rows, [0.12, 0.18, 0.25, 0.25, 0.2])]
