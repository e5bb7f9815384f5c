"""Survey answers on approved reviews: one at a time from the dialog, or a file's at once.

A named answer is tied to its person through `ReviewSurveyRespondent`; an anonymous
one is written without the person anywhere: no respondent row, and an audit entry
whose actor and detail name nobody (the person entering it may be the respondent).
A review takes at most one named answer per attendee, and no more answers in all
than it has attendees. An answer is never edited; the window's undo withdraws the
answers it stored, only while each is still the answer it stored (compare-and-set on
the answer itself), audited as the answer was.
"""

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, func, select

from irdesk.domain.enums import ReviewStatus
from irdesk.domain.models import (
    Incident,
    Person,
    Review,
    ReviewAttendee,
    ReviewSurvey,
    ReviewSurveyRespondent,
    stored_id,
)
from irdesk.storage.database import Database
from irdesk.storage.errors import EditRefused
from irdesk.storage.records.audit import append_entry
from irdesk.storage.records.revisions import ConflictWording

# The audit actor of an anonymous answer: whoever typed it, it names nobody.
ANONYMOUS_ACTOR = "anonymous respondent"
APPROVED = (ReviewStatus.APPROVED, ReviewStatus.SIGNED, ReviewStatus.ARCHIVED)


class SurveyRefused(EditRefused):
    """An answer the survey does not take; the message names what and why."""


@dataclass(frozen=True)
class Answer:
    review_id: int
    person_id: int | None  # who answers; with `anonymous`, checked and then forgotten
    useful: int
    safe: int
    hours: float
    comment: str | None
    anonymous: bool
    answered_on: date


def check_scores(useful: object, safe: object, hours: object) -> None:
    for name, value in (("useful", useful), ("safe to speak", safe)):
        if not isinstance(value, int) or not 1 <= value <= 5:
            raise SurveyRefused(f"{name} is a whole number from 1 to 5, not {value!r}.")
    if not isinstance(hours, int | float) or not 0 <= hours <= 1000:
        raise SurveyRefused(f"hours spent is a number from 0 to 1000, not {hours!r}.")


def attendees(session: Session, review_id: int) -> list[tuple[int, str]]:
    """The review's attendees (id, name), by name."""
    rows = session.exec(
        select(Person.id, Person.name)
        .join(ReviewAttendee, col(ReviewAttendee.person_id) == col(Person.id))
        .where(ReviewAttendee.review_id == review_id)
        .order_by(col(Person.name))
    ).all()
    return [(stored_id(i), n) for i, n in rows]


def answered_by(session: Session, review_id: int) -> set[int]:
    """Who has given a named answer on the review."""
    rows = session.exec(
        select(ReviewSurveyRespondent.person_id).where(
            ReviewSurveyRespondent.review_id == review_id
        )
    ).all()
    return set(rows)


def answer_count(session: Session, review_id: int) -> int:
    return int(
        session.exec(
            select(func.count())
            .select_from(ReviewSurvey)
            .where(ReviewSurvey.review_id == review_id)
        ).one()
    )


def add_answer(session: Session, answer: Answer, *, actor: str) -> int:
    """Store one answer in the caller's transaction; its id. SurveyRefused says why not."""
    review = session.get(Review, answer.review_id)
    if review is None:
        raise SurveyRefused(f"review {answer.review_id} does not exist.")
    if review.status not in APPROVED:
        raise SurveyRefused("the survey opens once the review is approved.")
    check_scores(answer.useful, answer.safe, answer.hours)
    present = {pid for pid, _ in attendees(session, answer.review_id)}
    if answer.person_id is not None and answer.person_id not in present:
        raise SurveyRefused("only the review's attendees answer its survey.")
    named = answered_by(session, answer.review_id)
    if answer.person_id is not None and answer.person_id in named:
        raise SurveyRefused("this attendee has already answered the survey on this review.")
    if answer_count(session, answer.review_id) >= len(present):
        raise SurveyRefused(
            f"every attendee has answered ({len(present)} answers); the review takes no more."
        )
    comment = (answer.comment or "").strip() or None
    row = ReviewSurvey(
        review_id=answer.review_id,
        useful=answer.useful,
        safe=answer.safe,
        hours=float(answer.hours),
        comment=comment,
        anonymous=answer.anonymous,
        answered_on=answer.answered_on,
    )
    session.add(row)
    session.flush()
    survey_id = stored_id(row.id)
    if answer.anonymous:
        append_entry(
            session,
            actor=ANONYMOUS_ACTOR,
            action="add_survey_answer",
            entity="review",
            entity_id=answer.review_id,
            detail={"anonymous": True},
        )
        return survey_id
    if answer.person_id is None:
        raise SurveyRefused("a named answer needs the attendee who gave it.")
    session.add(
        ReviewSurveyRespondent(
            survey_id=survey_id, review_id=answer.review_id, person_id=answer.person_id
        )
    )
    session.flush()
    append_entry(
        session,
        actor=actor,
        action="add_survey_answer",
        entity="review",
        entity_id=answer.review_id,
        detail={"person_id": answer.person_id, "survey_id": survey_id},
    )
    return survey_id


def record_answer(database: Database, answer: Answer, *, actor: str) -> int:
    """`add_answer` in a transaction of its own (for the dialog's worker)."""
    with database.transaction() as session:
        return add_answer(session, answer, actor=actor)


def store_answers(database: Database, answers: list[Answer], *, actor: str) -> list[int]:
    """Every answer or none: a refusal rolls the whole file back. Their ids, in order."""
    with database.transaction() as session:
        return [add_answer(session, answer, actor=actor) for answer in answers]


def record_answers(database: Database, answers: list[Answer], *, actor: str) -> int:
    """`store_answers`; the number stored."""
    return len(store_answers(database, answers, actor=actor))


WORDING = ConflictWording(
    changed="survey answer {id} is no longer the answer this window stored (another window?)",
    deleted="survey answer {id} was withdrawn elsewhere",
)


def _is_stored(session: Session, row: ReviewSurvey, answer: Answer) -> bool:
    """Whether `row` is still the answer stored from `answer`: an id SQLite gave again
    after a withdrawal names another answer, and that one is not ours to take back."""
    comment = (answer.comment or "").strip() or None
    same = (
        row.review_id == answer.review_id
        and (row.useful, row.safe, row.hours) == (answer.useful, answer.safe, answer.hours)
        and (row.comment, row.anonymous, row.answered_on)
        == (comment, answer.anonymous, answer.answered_on)
    )
    respondent = session.get(ReviewSurveyRespondent, row.id)
    if answer.anonymous:
        return same and respondent is None
    return same and respondent is not None and respondent.person_id == answer.person_id


def withdraw_answers(database: Database, stored: list[tuple[int, Answer]], *, actor: str) -> None:
    """Take back answers this window stored (undo): each must still be the answer stored
    from its `Answer`, or nothing is withdrawn. Audited like the answer itself: an
    anonymous one names nobody."""
    with database.transaction() as session:
        for survey_id, answer in stored:
            row = session.get(ReviewSurvey, survey_id, populate_existing=True)
            if row is None:
                raise WORDING.conflict("review_survey", survey_id, deleted=True)
            if not _is_stored(session, row, answer):
                raise WORDING.conflict("review_survey", survey_id, deleted=False)
            respondent = session.get(ReviewSurveyRespondent, survey_id)
            if respondent is not None:
                session.delete(respondent)
                session.flush()
            session.delete(row)
            session.flush()
            if answer.anonymous:
                append_entry(
                    session,
                    actor=ANONYMOUS_ACTOR,
                    action="withdraw_survey_answer",
                    entity="review",
                    entity_id=answer.review_id,
                    detail={"anonymous": True},
                )
            else:
                append_entry(
                    session,
                    actor=actor,
                    action="withdraw_survey_answer",
                    entity="review",
                    entity_id=answer.review_id,
                    detail={"person_id": answer.person_id, "survey_id": survey_id},
                )


@dataclass(frozen=True)
class SurveyTarget:
    """What the survey dialog needs of a review: its state, attendees and who answered."""

    review_id: int
    label: str  # the incident, SOURCE:ID
    approved: bool
    attendees: tuple[tuple[int, str], ...]
    answered: frozenset[int]
    answers: int


def survey_target(database: Database, incident_id: int) -> SurveyTarget | None:
    with database.session() as session:
        review = session.exec(select(Review).where(Review.incident_id == incident_id)).first()
        if review is None:
            return None
        rid = stored_id(review.id)
        incident = session.get(Incident, incident_id)
        assert incident is not None
        return SurveyTarget(
            review_id=rid,
            label=f"{incident.source}:{incident.external_id}",
            approved=review.status in APPROVED,
            attendees=tuple(attendees(session, rid)),
            answered=frozenset(answered_by(session, rid)),
            answers=answer_count(session, rid),
        )


@dataclass(frozen=True)
class SurveyLine:
    """One row of a survey tool's export, read but not yet matched to a review or person."""

    location: str  # e.g. "row 3 (line 4)"
    incident: str  # as people name it: SOURCE:ID, the ID the list shows, a number
    person: str | None  # a name or an email; None for an anonymous answer
    anonymous: bool
    useful: int
    safe: int
    hours: float
    comment: str | None
    answered_on: date


def _person(session: Session, text: str) -> int | None:
    wanted = text.strip().casefold()
    for pid, name, email in session.exec(select(Person.id, Person.name, Person.email)).all():
        if wanted in (name.casefold(), (email or "").casefold()):
            return pid
    return None


def import_answers(database: Database, file: str, lines: list[SurveyLine], *, actor: str) -> int:
    """Every line's answer or none; SurveyRefused names the file, the row and why."""
    return len(import_answer_rows(database, file, lines, actor=actor))


def import_answer_rows(
    database: Database, file: str, lines: list[SurveyLine], *, actor: str
) -> list[tuple[int, Answer]]:
    """`import_answers`, giving each stored answer's id and what was stored (for undo)."""
    from irdesk.storage.reads.packet_data import PacketDataError, find_incident

    stored: list[tuple[int, Answer]] = []
    with database.transaction() as session:
        for line in lines:
            where = f"{file}, {line.location}"
            try:
                incident_id = find_incident(session, line.incident)
            except PacketDataError as exc:
                raise SurveyRefused(f"{where}: field 'incident': {exc}.") from None
            review = session.exec(
                select(Review.id).where(Review.incident_id == incident_id)
            ).first()
            if review is None:
                raise SurveyRefused(f"{where}: {line.incident} has no review to answer on.")
            person_id = None
            if line.person:
                person_id = _person(session, line.person)
                if person_id is None:
                    raise SurveyRefused(
                        f"{where}: field 'person': expected a person in the directory, "
                        f"found {line.person!r}."
                    )
            answer = Answer(
                review_id=review,
                person_id=person_id,
                useful=line.useful,
                safe=line.safe,
                hours=line.hours,
                comment=line.comment,
                anonymous=line.anonymous or person_id is None,
                answered_on=line.answered_on,
            )
            try:
                stored.append((add_answer(session, answer, actor=actor), answer))
            except SurveyRefused as exc:
                raise SurveyRefused(f"{where}: {exc}") from None
    return stored
