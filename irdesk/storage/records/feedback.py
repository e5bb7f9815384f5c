"""Feedback notes: one person's part in an incident, for a manager's conversation.

Sensitive personnel data. Nothing in the review record reads this module: the
review tab, its models and packets of the review profile never see a note. The
audit log records that a note changed, never what it says, so the log can be
shown without revealing notes.

What a note says is sealed to its readers (storage/sealing): the author, the people
the author names, and the organisation's recovery key if there is one. Reading,
writing and sharing take the `Keyring` of whoever unlocked; without one, a note
shows only that it exists, about whom, when, and who may read it.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from irdesk.domain.enums import FeedbackKind, NoteDimension
from irdesk.domain.managers import is_managing_role
from irdesk.domain.models import (
    FeedbackNote,
    Incident,
    NoteKey,
    NoteReader,
    PendingNote,
    Person,
    Review,
    ReviewAttendee,
    TeamMember,
    TimelineEvent,
    stored_id,
)
from irdesk.domain.utc import utc_now
from irdesk.storage import sealing
from irdesk.storage.errors import EditRefused
from irdesk.storage.reads.queries import merged_ids
from irdesk.storage.records.audit import append_entry
from irdesk.storage.records.revisions import audited_edit, current_row
from irdesk.storage.sealing import Keyring, PublicReader, SealError


@dataclass(frozen=True)
class NoteRow:
    """A note as one reader sees it: `readable` False leaves kind and text out."""

    id: int
    person_id: int
    incident_id: int | None
    author_id: int | None
    kind: FeedbackKind | None
    text: str
    deviation_justified: bool | None
    revision: int
    updated_at: datetime
    created_at: datetime
    readers: tuple[str, ...] = ()
    reader_ids: tuple[int, ...] = ()
    readable: bool = True
    pending: bool = False
    # What the note speaks to (NoteDimension values), sealed with its text.
    dimensions: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReaderRow:
    id: int
    name: str
    fingerprint: str
    recovery: bool
    removed: bool

    @property
    def label(self) -> str:
        return f"{self.name} ({sealing.short_fingerprint(self.fingerprint)})"


class FeedbackRefused(EditRefused):
    """Input a note cannot take; nothing was written."""


class NotesLocked(FeedbackRefused):
    """The note needs a reader's unlocked identity: this session has none, or not a reader's."""


# ------------------------------------------------------------------ readers


def _reader_row(reader: NoteReader) -> ReaderRow:
    return ReaderRow(
        id=stored_id(reader.id),
        name=reader.name,
        fingerprint=reader.fingerprint,
        recovery=reader.recovery,
        removed=reader.removed_at is not None,
    )


def publish_reader(session: Session, public: PublicReader, *, recovery: bool = False) -> ReaderRow:
    """The reader with this public key, added on first sight; only the public key is stored."""
    found = session.exec(
        select(NoteReader).where(NoteReader.fingerprint == public.fingerprint)
    ).first()
    if found is None:
        found = NoteReader(
            name=public.name,
            fingerprint=public.fingerprint,
            public_key=public.public_key,
            certificate_fingerprint=public.certificate_fingerprint,
            recovery=recovery,
        )
        session.add(found)
        session.flush()
    elif recovery and not found.recovery:
        found.recovery = True
        session.add(found)
        session.flush()
    return _reader_row(found)


def list_readers(session: Session, *, removed: bool = False) -> list[ReaderRow]:
    statement = select(NoteReader).order_by(col(NoteReader.name), col(NoteReader.id))
    if not removed:
        statement = statement.where(col(NoteReader.removed_at).is_(None))
    return [_reader_row(r) for r in session.exec(statement)]


def find_reader(session: Session, wanted: str) -> ReaderRow:
    """A reader by name (as `irdesk notes readers` lists it) or by fingerprint (or its start)."""
    key = wanted.replace(" ", "").lower()
    readers = list_readers(session, removed=True)
    by_print = [r for r in readers if len(key) >= 8 and r.fingerprint.startswith(key)]
    by_name = [r for r in readers if r.name.casefold() == wanted.strip().casefold()]
    found = by_print or by_name
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise FeedbackRefused(
            f"reader {wanted!r} is ambiguous ({', '.join(r.label for r in found)}); "
            "give the fingerprint"
        )
    known = ", ".join(r.name for r in readers if not r.removed) or "none yet"
    raise FeedbackRefused(f"no reader is called {wanted!r}; the readers are: {known}")


def _own_reader(session: Session, keyring: Keyring) -> NoteReader:
    row = publish_reader(session, keyring.public)
    reader = session.get(NoteReader, row.id)
    assert reader is not None
    return reader


# -------------------------------------------------------------------- notes


def _rows(
    session: Session, notes: Sequence[FeedbackNote], keyring: Keyring | None
) -> list[NoteRow]:
    ids = [stored_id(n.id) for n in notes]
    keys: dict[int, dict[int, bytes]] = {}
    for key in session.exec(select(NoteKey).where(col(NoteKey.note_id).in_(ids))):
        keys.setdefault(key.note_id, {})[key.reader_id] = key.wrapped
    names = {stored_id(r.id): r.name for r in session.exec(select(NoteReader))}
    pending = {
        p.note_id: p
        for p in session.exec(select(PendingNote).where(col(PendingNote.note_id).in_(ids)))
    }
    own_id = None
    if keyring is not None:
        own = session.exec(
            select(NoteReader).where(NoteReader.fingerprint == keyring.fingerprint)
        ).first()
        own_id = own.id if own is not None else None
    rows = []
    for note in notes:
        note_id = stored_id(note.id)
        wrapped = keys.get(note_id, {})
        content = None
        if keyring is not None and own_id in wrapped and note.sealed is not None:
            try:
                note_key = sealing.unwrap(wrapped[own_id], keyring, note_id=note_id)
                content = sealing.unseal(
                    note_key, note.sealed, note_id=note_id, person_id=note.person_id
                )
            except SealError:
                content = None
        reader_ids = tuple(sorted(wrapped, key=lambda r: names.get(r, "")))
        rows.append(
            NoteRow(
                id=note_id,
                person_id=note.person_id,
                incident_id=note.incident_id,
                author_id=note.author_id,
                kind=FeedbackKind(content["kind"]) if content else None,
                text=content["text"] if content else "",
                deviation_justified=content.get("deviation_justified") if content else None,
                revision=note.revision,
                updated_at=note.updated_at,
                created_at=note.created_at,
                readers=tuple(names[r] for r in reader_ids if r in names),
                reader_ids=reader_ids,
                readable=content is not None,
                pending=note_id in pending,
                dimensions=tuple(content.get("dimensions", ())) if content else (),
            )
        )
    return rows


def list_notes(
    session: Session,
    *,
    incident_id: int | None = None,
    person_id: int | None = None,
    keyring: Keyring | None = None,
) -> list[NoteRow]:
    statement = select(FeedbackNote)
    if incident_id is not None:
        statement = statement.where(FeedbackNote.incident_id == incident_id)
    if person_id is not None:
        statement = statement.where(FeedbackNote.person_id == person_id)
    notes = session.exec(
        statement.order_by(col(FeedbackNote.created_at), col(FeedbackNote.id))
    ).all()
    return _rows(session, notes, keyring)


def note_dimensions(
    session: Session, incident_ids: Sequence[int], keyring: Keyring | None
) -> list[tuple[int, bool, tuple[str, ...]]]:
    """(incident, opened, dimensions) of each note on those incidents, for calibration.

    Only what a note speaks to leaves this module: never its text, kind or person. A
    note this keyring cannot open (or none given) is (incident, False, ()): counted,
    not read."""
    if not incident_ids:
        return []
    notes = session.exec(
        select(FeedbackNote)
        .where(col(FeedbackNote.incident_id).in_(list(incident_ids)))
        .order_by(col(FeedbackNote.id))
    ).all()
    if keyring is None:
        return [(int(n.incident_id or 0), False, ()) for n in notes]
    return [
        (int(r.incident_id or 0), r.readable, r.dimensions) for r in _rows(session, notes, keyring)
    ]


def get_note(session: Session, note_id: int, keyring: Keyring | None = None) -> NoteRow:
    return _rows(session, [current_row(session, FeedbackNote, note_id)], keyring)[0]


def _dimensions(values: Iterable[str]) -> list[str]:
    """In NoteDimension's order, each once; ValueError names one that is not a dimension."""
    chosen = {NoteDimension(v) for v in values}
    return [d.value for d in NoteDimension if d in chosen]


def _payload(
    kind: FeedbackKind, text: str, justified: bool | None, dimensions: Iterable[str] = ()
) -> dict[str, Any]:
    return {
        "kind": FeedbackKind(kind).value,
        "text": text,
        "deviation_justified": justified,
        "dimensions": _dimensions(dimensions),
    }


def _current_readers(session: Session) -> list[NoteReader]:
    return list(
        session.exec(
            select(NoteReader)
            .where(col(NoteReader.recovery).is_(True))
            .where(col(NoteReader.removed_at).is_(None))
        )
    )


def _seal_new(
    session: Session,
    note: FeedbackNote,
    payload: dict[str, Any],
    readers: Iterable[NoteReader],
) -> None:
    """Seal `payload` into `note` (already flushed, so it has its id) for `readers`."""
    note_id = stored_id(note.id)
    note_key = sealing.new_note_key()
    note.sealed = sealing.seal(note_key, payload, note_id=note_id, person_id=note.person_id)
    session.add(note)
    seen: set[int] = set()
    for reader in readers:
        reader_id = stored_id(reader.id)
        if reader_id in seen:
            continue
        seen.add(reader_id)
        public = PublicReader(reader.name, reader.public_key)
        session.add(
            NoteKey(
                note_id=note_id,
                reader_id=reader_id,
                wrapped=sealing.wrap(note_key, public, note_id=note_id),
            )
        )
    session.flush()


def _readers_by_id(session: Session, reader_ids: Iterable[int]) -> list[NoteReader]:
    readers = []
    for reader_id in reader_ids:
        reader = session.get(NoteReader, reader_id)
        if reader is None:
            raise FeedbackRefused(f"reader {reader_id} does not exist")
        if reader.removed_at is not None:
            raise FeedbackRefused(f"{reader.name} was removed as a reader; notes cannot name them")
        readers.append(reader)
    return readers


def add_note(
    session: Session,
    *,
    person_id: int,
    incident_id: int | None,
    kind: FeedbackKind,
    actor: str,
    keyring: Keyring | None,
    text: str = "",
    deviation_justified: bool | None = None,
    author_id: int | None = None,
    readers: Sequence[int] = (),
    dimensions: Sequence[str] = (),
) -> NoteRow:
    """A new note sealed to the author (the keyring's owner), `readers` and the recovery key."""
    if keyring is None:
        raise NotesLocked("unlock with your identity to write a feedback note")
    if session.get(Person, person_id) is None:
        raise FeedbackRefused(f"person {person_id} does not exist")
    if incident_id is not None and session.get(Incident, incident_id) is None:
        raise FeedbackRefused(f"incident {incident_id} does not exist")
    named = _readers_by_id(session, readers)
    own = _own_reader(session, keyring)
    note = FeedbackNote(person_id=person_id, incident_id=incident_id, author_id=author_id)
    session.add(note)
    session.flush()
    _seal_new(
        session,
        note,
        _payload(kind, text, deviation_justified, dimensions),
        [own, *named, *_current_readers(session)],
    )
    append_entry(
        session,
        actor=actor,
        action="add_feedback_note",
        entity="feedback_note",
        entity_id=note.id,
        detail={"person_id": person_id, "incident_id": incident_id, "readers": len(named) + 1},
    )
    return get_note(session, stored_id(note.id), keyring)


def insert_sealed(
    session: Session,
    *,
    person_id: int,
    author_id: int | None,
    incident_id: int | None,
    kind: FeedbackKind,
    text: str,
    deviation_justified: bool | None,
    written_at: datetime,
    readers: Sequence[int],
) -> int:
    """A note written elsewhere (the demo), sealed to `readers` and the recovery key;
    unaudited, like the rest of a generated organisation."""
    note = FeedbackNote(
        person_id=person_id,
        author_id=author_id,
        incident_id=incident_id,
        created_at=written_at,
        updated_at=written_at,
    )
    session.add(note)
    session.flush()
    _seal_new(
        session,
        note,
        _payload(kind, text, deviation_justified),
        [*_readers_by_id(session, readers), *_current_readers(session)],
    )
    return stored_id(note.id)


_UNSET: Any = object()


def _open(
    session: Session, note: FeedbackNote, keyring: Keyring | None
) -> tuple[bytes, dict[str, Any]]:
    """The note's key and content, for a reader of it; NotesLocked for anyone else."""
    if keyring is None:
        raise NotesLocked("unlock with your identity to change a feedback note")
    note_id = stored_id(note.id)
    own = session.exec(
        select(NoteReader).where(NoteReader.fingerprint == keyring.fingerprint)
    ).first()
    key = session.get(NoteKey, (note_id, own.id)) if own is not None else None
    if key is None or note.sealed is None:
        raise NotesLocked(f"{keyring.name} is not a reader of this note")
    note_key = sealing.unwrap(key.wrapped, keyring, note_id=note_id)
    return note_key, sealing.unseal(
        note_key, note.sealed, note_id=note_id, person_id=note.person_id
    )


def edit_note(
    session: Session,
    note_id: int,
    revision: int,
    *,
    actor: str,
    keyring: Keyring | None = None,
    text: str | None = None,
    kind: FeedbackKind | None = None,
    deviation_justified: bool | None = _UNSET,
    dimensions: Sequence[str] | None = None,
) -> int:
    changes: dict[str, Any] = {}
    if dimensions is not None:
        changes["dimensions"] = _dimensions(dimensions)
    if text is not None:
        changes["text"] = text
    if kind is not None:
        changes["kind"] = FeedbackKind(kind).value
    if deviation_justified is not _UNSET:
        changes["deviation_justified"] = deviation_justified
    if not changes:
        raise FeedbackRefused("nothing to change")
    note = current_row(session, FeedbackNote, note_id)
    note_key, content = _open(session, note, keyring)
    content.update(changes)
    # The same note key under a fresh nonce: its wrapped copies stay valid.
    sealed = sealing.seal(note_key, content, note_id=note_id, person_id=note.person_id)
    # Which fields changed, never the words (nor the kind): the audit log is not a place
    # for personnel notes.
    return audited_edit(
        session,
        FeedbackNote,
        note_id,
        revision,
        {"sealed": sealed},
        actor=actor,
        action="edit_feedback_note",
        detail={"fields": sorted(changes)},
    )


def delete_note(
    session: Session, note_id: int, *, actor: str, keyring: Keyring | None = None
) -> NoteRow:
    note = current_row(session, FeedbackNote, note_id)
    row = _rows(session, [note], keyring)[0]
    session.delete(note)
    append_entry(
        session,
        actor=actor,
        action="delete_feedback_note",
        entity="feedback_note",
        entity_id=note_id,
        detail={"person_id": row.person_id},
    )
    session.flush()
    return row


def restore_note(session: Session, row: NoteRow, *, actor: str, keyring: Keyring | None) -> NoteRow:
    """A deleted note back, sealed anew to the readers it had who are still readers."""
    if keyring is None or not row.readable or row.kind is None:
        raise NotesLocked("unlock with your identity to restore a feedback note")
    note = FeedbackNote(
        person_id=row.person_id,
        incident_id=row.incident_id,
        author_id=row.author_id,
        created_at=row.created_at,
    )
    session.add(note)
    session.flush()
    readers = [
        r
        for r in (session.get(NoteReader, i) for i in row.reader_ids)
        if r is not None and r.removed_at is None
    ]
    _seal_new(
        session,
        note,
        _payload(row.kind, row.text, row.deviation_justified, row.dimensions),
        [_own_reader(session, keyring), *readers],
    )
    append_entry(
        session,
        actor=actor,
        action="restore_feedback_note",
        entity="feedback_note",
        entity_id=note.id,
        detail={"was": row.id, "person_id": row.person_id},
    )
    return get_note(session, stored_id(note.id), keyring)


# ------------------------------------------------------------------ sharing


def share_note(
    session: Session, note_id: int, reader_id: int, *, actor: str, keyring: Keyring | None
) -> NoteRow:
    """`reader_id` may read the note too: its key wrapped once more, by one who can read it."""
    note = current_row(session, FeedbackNote, note_id)
    note_key, _content = _open(session, note, keyring)
    (reader,) = _readers_by_id(session, [reader_id])
    if session.get(NoteKey, (note_id, reader_id)) is None:
        public = PublicReader(reader.name, reader.public_key)
        session.add(
            NoteKey(
                note_id=note_id,
                reader_id=reader_id,
                wrapped=sealing.wrap(note_key, public, note_id=note_id),
            )
        )
        append_entry(
            session,
            actor=actor,
            action="share_feedback_note",
            entity="feedback_note",
            entity_id=note_id,
            detail={"reader": reader.fingerprint},
        )
        session.flush()
    return get_note(session, note_id, keyring)


def _rekey(session: Session, note: FeedbackNote, keyring: Keyring, without: int) -> None:
    """A new key for the note, wrapped for its readers but `without`: a copy of the old
    key someone kept opens nothing written from now on."""
    _old_key, content = _open(session, note, keyring)
    note_id = stored_id(note.id)
    keys = list(session.exec(select(NoteKey).where(NoteKey.note_id == note_id)))
    readers = [session.get(NoteReader, k.reader_id) for k in keys if k.reader_id != without]
    for key in keys:
        session.delete(key)
    session.flush()
    _seal_new(session, note, content, [r for r in readers if r is not None])


def remove_reader(
    session: Session, reader_id: int, *, actor: str, keyring: Keyring | None
) -> tuple[int, int]:
    """`reader_id` reads no note written from now on, and loses the notes they could read.

    Notes the remover can read get a new key wrapped for everyone else; the others lose
    only the removed reader's wrapped key. Returns (re-keyed, unwrapped only).
    """
    reader = session.get(NoteReader, reader_id)
    if reader is None:
        raise FeedbackRefused(f"reader {reader_id} does not exist")
    if keyring is not None and reader.fingerprint == keyring.fingerprint:
        raise FeedbackRefused("you cannot remove yourself; ask another reader")
    reader.removed_at = utc_now()
    session.add(reader)
    rekeyed = dropped = 0
    note_ids = list(session.exec(select(NoteKey.note_id).where(NoteKey.reader_id == reader_id)))
    for note_id in note_ids:
        note = session.get(FeedbackNote, note_id)
        assert note is not None
        try:
            if keyring is None:
                raise NotesLocked("locked")
            _rekey(session, note, keyring, reader_id)
            rekeyed += 1
        except NotesLocked:
            key = session.get(NoteKey, (note_id, reader_id))
            if key is not None:
                session.delete(key)
            dropped += 1
    session.flush()
    append_entry(
        session,
        actor=actor,
        action="remove_note_reader",
        entity="note_reader",
        entity_id=reader_id,
        detail={"fingerprint": reader.fingerprint, "rekeyed": rekeyed, "unwrapped": dropped},
    )
    return rekeyed, dropped


def unshare_note(
    session: Session, note_id: int, reader_id: int, *, actor: str, keyring: Keyring | None
) -> NoteRow:
    """`reader_id` no longer reads this note: a new key, wrapped for its other readers.

    Done by one who can read the note; the organisation's recovery reader stays (it is
    cleared in the Organisation settings), and a note keeps at least one reader.
    """
    note = current_row(session, FeedbackNote, note_id)
    _open(session, note, keyring)
    assert keyring is not None
    reader = session.get(NoteReader, reader_id)
    if reader is None:
        raise FeedbackRefused(f"reader {reader_id} does not exist")
    holders = set(session.exec(select(NoteKey.reader_id).where(NoteKey.note_id == note_id)))
    if reader_id not in holders:
        return get_note(session, note_id, keyring)
    if reader.recovery and reader.removed_at is None:
        raise FeedbackRefused(
            f"{reader.name} is the organisation's recovery reader and reads every note; "
            "clear it in Tools › Organisation… › Notes Recovery"
        )
    if holders == {reader_id}:
        raise FeedbackRefused(f"{reader.name} is this note's only reader; add another first")
    _rekey(session, note, keyring, reader_id)
    append_entry(
        session,
        actor=actor,
        action="unshare_feedback_note",
        entity="feedback_note",
        entity_id=note_id,
        detail={"reader": reader.fingerprint},
    )
    session.flush()
    return get_note(session, note_id, keyring)


def change_readers(
    session: Session,
    note_id: int,
    *,
    added: Sequence[int],
    removed: Sequence[int],
    actor: str,
    keyring: Keyring | None,
) -> NoteRow:
    """The note's readers with `added` and without `removed`, all or nothing."""
    for reader_id in added:
        share_note(session, note_id, reader_id, actor=actor, keyring=keyring)
    for reader_id in removed:
        unshare_note(session, note_id, reader_id, actor=actor, keyring=keyring)
    return get_note(session, note_id, keyring)


def subject_managers(session: Session, person_id: int) -> list[Person]:
    """The people the directory names as managing `person_id` (domain/managers' rule)."""
    person = session.get(Person, person_id)
    if person is None:
        return []
    teams = set(session.exec(select(TeamMember.team_id).where(TeamMember.person_id == person_id)))
    if person.team_id is not None:
        teams.add(person.team_id)
    if not teams:
        return []
    team_roles: dict[int, list[str | None]] = {}
    for member in session.exec(select(TeamMember).where(col(TeamMember.team_id).in_(teams))):
        team_roles.setdefault(member.person_id, []).append(member.role)
    candidates = set(team_roles) | set(
        session.exec(select(Person.id).where(col(Person.team_id).in_(teams)))
    )
    candidates.discard(person_id)
    managers = []
    for candidate_id in sorted(c for c in candidates if c is not None):
        candidate = session.get(Person, candidate_id)
        assert candidate is not None
        roles = [candidate.role, *team_roles.get(candidate_id, [])]
        if any(is_managing_role(r) for r in roles):
            managers.append(candidate)
    return managers


@dataclass(frozen=True)
class ReaderChoice:
    """The readers offered for a new note about one person, and which are ticked."""

    readers: tuple[ReaderRow, ...]
    chosen: tuple[int, ...]  # ticked at first: the author, the manager, the recovery reader
    fixed: tuple[int, ...]  # always readers: the author and the recovery reader
    managers: tuple[str, ...]  # the directory's managers of the person, keyed or not
    keyed_managers: tuple[str, ...]


def reader_choice(session: Session, person_id: int, keyring: Keyring | None) -> ReaderChoice:
    """Who a new note about `person_id` is sealed to unless the author says otherwise.

    The author, the person's manager from the directory when they have published a key
    (a reader named as they are in the directory, by name or e-mail), and the
    organisation's recovery reader. A manager without a key is named, not ticked.
    """
    readers = list_readers(session)
    fixed = [r.id for r in readers if r.recovery]
    if keyring is not None:
        own = next((r for r in readers if r.fingerprint == keyring.fingerprint), None)
        if own is not None:
            fixed.insert(0, own.id)
    by_name: dict[str, ReaderRow] = {r.name.casefold(): r for r in readers}
    managers = subject_managers(session, person_id)
    keyed: list[ReaderRow] = []
    for manager in managers:
        names = [manager.name, manager.email or ""]
        found = next((by_name[n.casefold()] for n in names if n and n.casefold() in by_name), None)
        if found is not None:
            keyed.append(found)
    chosen = list(dict.fromkeys([*fixed, *(r.id for r in keyed)]))
    return ReaderChoice(
        readers=tuple(readers),
        chosen=tuple(chosen),
        fixed=tuple(dict.fromkeys(fixed)),
        managers=tuple(m.name for m in managers),
        keyed_managers=tuple(r.name for r in keyed),
    )


def set_recovery(
    session: Session, reader_id: int | None, *, actor: str, keyring: Keyring | None
) -> int:
    """The organisation's recovery reader from now on (None: no recovery reader).

    Every note written after is sealed to it; the notes `keyring` can read now are
    wrapped for it too (returned: how many). A cleared recovery reader keeps the notes
    it was given, as any reader does until it is removed.
    """
    chosen = session.get(NoteReader, reader_id) if reader_id is not None else None
    if reader_id is not None and chosen is None:
        raise FeedbackRefused(f"reader {reader_id} does not exist")
    if chosen is not None and chosen.removed_at is not None:
        raise FeedbackRefused(f"{chosen.name} was removed as a reader; choose another")
    for reader in session.exec(select(NoteReader).where(col(NoteReader.recovery).is_(True))):
        if reader.id != reader_id:
            reader.recovery = False
            session.add(reader)
    wrapped = 0
    if chosen is not None:
        chosen.recovery = True
        session.add(chosen)
        session.flush()
        if keyring is not None:
            wrapped = _wrap_readable(session, chosen, keyring)
    session.flush()
    append_entry(
        session,
        actor=actor,
        action="set_note_recovery",
        entity="note_reader",
        entity_id=reader_id,
        detail={"fingerprint": chosen.fingerprint if chosen else None, "wrapped": wrapped},
    )
    return wrapped


def _wrap_readable(session: Session, reader: NoteReader, keyring: Keyring) -> int:
    """Wrap for `reader` the key of every note `keyring` can read and `reader` cannot."""
    own = session.exec(
        select(NoteReader).where(NoteReader.fingerprint == keyring.fingerprint)
    ).first()
    if own is None:
        return 0
    reader_id = stored_id(reader.id)
    theirs = set(session.exec(select(NoteKey.note_id).where(NoteKey.reader_id == reader_id)))
    public = PublicReader(reader.name, reader.public_key)
    wrapped = 0
    for key in list(session.exec(select(NoteKey).where(NoteKey.reader_id == own.id))):
        if key.note_id in theirs:
            continue
        try:
            note_key = sealing.unwrap(key.wrapped, keyring, note_id=key.note_id)
        except SealError:
            continue
        session.add(
            NoteKey(
                note_id=key.note_id,
                reader_id=reader_id,
                wrapped=sealing.wrap(note_key, public, note_id=key.note_id),
            )
        )
        wrapped += 1
    return wrapped


# ----------------------------------------------------- notes of older files


def pending_count(session: Session) -> int:
    return len(session.exec(select(PendingNote.note_id)).all())


def seal_pending(session: Session, *, actor: str, keyring: Keyring) -> int:
    """Seal the notes an upgrade left in plain text to `keyring`'s owner (and recovery).

    The caller scrubs the file afterwards (Database.scrub): deleting the rows is not
    enough while their bytes sit in free pages and the write-ahead log.
    """
    own = _own_reader(session, keyring)
    recovery = _current_readers(session)
    sealed = 0
    for pending in list(session.exec(select(PendingNote))):
        note = session.get(FeedbackNote, pending.note_id)
        assert note is not None
        _seal_new(
            session,
            note,
            _payload(pending.kind, pending.text, pending.deviation_justified),
            [own, *recovery],
        )
        session.delete(pending)
        sealed += 1
    if sealed:
        session.flush()
        append_entry(
            session,
            actor=actor,
            action="seal_pending_feedback_notes",
            entity="note_reader",
            entity_id=own.id,
            detail={"notes": sealed},
        )
    return sealed


def involved_people(session: Session, incident_id: int) -> list[int]:
    """People with a part in the incident: its timeline's actors and the review's attendees."""
    actors = session.exec(
        select(TimelineEvent.actor_person_id)
        .where(col(TimelineEvent.incident_id).in_(merged_ids(session, incident_id)))
        .where(col(TimelineEvent.actor_person_id).is_not(None))
        .distinct()
    ).all()
    review = session.exec(select(Review).where(Review.incident_id == incident_id)).first()
    attendees: list[int] = []
    if review is not None:
        attendees = list(
            session.exec(
                select(ReviewAttendee.person_id).where(ReviewAttendee.review_id == review.id)
            ).all()
        )
        if review.facilitator_id is not None:
            attendees.append(review.facilitator_id)
    return sorted({p for p in (*actors, *attendees) if p is not None})
