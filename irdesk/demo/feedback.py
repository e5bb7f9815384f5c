"""Managers' feedback notes on the people who responded to reviewed incidents."""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from irdesk.demo.times import seconds
from irdesk.demo.wording import GROWTH_NOTES, PROCEDURAL_NOTES, RECOGNITION_NOTES
from irdesk.demo.working_state import Case, Org
from irdesk.domain.enums import FeedbackKind
from irdesk.domain.models import stored_id


@dataclass(frozen=True)
class DemoNote:
    """A note's words before they are sealed (storage/records/feedback.insert_sealed)."""

    person_id: int
    author_id: int | None
    incident_id: int | None
    kind: FeedbackKind
    text: str
    deviation_justified: bool | None
    written_at: datetime


def feedback_notes(
    rng: random.Random, org: Org, cases: list[Case], now: datetime
) -> list[DemoNote]:
    pairs = [
        (case, member)
        for case in cases
        if case.reviewed
        for member in case.participants
        if member is not org.head
    ]
    count = rng.randint(12, 18)
    chosen = rng.sample(pairs, min(count, len(pairs)))
    chosen.sort(key=lambda pair: (pair[0].times["started_at"] or now, stored_id(pair[1].person.id)))
    kinds = [FeedbackKind.PROCEDURAL_COMPLIANCE] * rng.randint(3, 5)
    kinds += [FeedbackKind.GROWTH] * rng.randint(3, 5)
    kinds += [FeedbackKind.RECOGNITION] * (len(chosen) - len(kinds))
    rng.shuffle(kinds)
    recognition = rng.randrange(len(RECOGNITION_NOTES))
    growth = rng.randrange(len(GROWTH_NOTES))
    procedural = 0  # in order, so both justified and unjustified deviations appear
    notes = []
    for (case, member), kind in zip(chosen, kinds, strict=True):
        acknowledged, detected = case.times["acknowledged_at"], case.times["detected_at"]
        assert acknowledged is not None and detected is not None
        other = next((p for p in case.participants if p is not member), org.manager_of(member))
        values = dict(
            case.ctx,
            other=other.short,
            tta=str(max(1, round((acknowledged - detected).total_seconds() / 60))),
        )
        justified = None
        if kind == FeedbackKind.RECOGNITION:
            text = RECOGNITION_NOTES[recognition % len(RECOGNITION_NOTES)]
            recognition += 1
        elif kind == FeedbackKind.GROWTH:
            text = GROWTH_NOTES[growth % len(GROWTH_NOTES)]
            growth += 1
            # A quick acknowledgement is no growth area: take the next note instead.
            if "{tta}" in text and int(values["tta"]) < 10:
                text = GROWTH_NOTES[growth % len(GROWTH_NOTES)]
                growth += 1
        else:
            text, justified = PROCEDURAL_NOTES[procedural % len(PROCEDURAL_NOTES)]
            procedural += 1
        resolved = case.times["resolved_at"]
        assert resolved is not None
        at = min(seconds(resolved + timedelta(days=rng.uniform(1, 6))), now - timedelta(hours=1))
        assert case.incident is not None
        notes.append(
            DemoNote(
                person_id=stored_id(member.person.id),
                author_id=org.manager_of(member).person.id,
                incident_id=case.incident.id,
                kind=kind,
                text=text.format_map(values),
                deviation_justified=justified,
                written_at=at,
            )
        )
    return notes
