"""Who a source names: a stored person when certain, a new one otherwise."""

import unicodedata

from irdesk.importers.records import PersonRef
from irdesk.importers.writing.outcomes import WriteResult
from irdesk.storage.bulk import import_lookup, import_writer
from irdesk.storage.bulk.import_transaction import ImportTransaction


class People:
    """Matches a source's person to a Person: by email, then by name; creates the rest."""

    def __init__(self, tx: ImportTransaction, result: WriteResult) -> None:
        self.tx = tx
        self.result = result
        self.by_email: dict[str, int] = {}
        self.by_name: dict[str, int] = {}
        self.resolved: dict[tuple[str | None, str | None], int | None] = {}
        # For the review list: names that differ only in spacing, case or accents.
        self.by_squashed: dict[str, str] = {}
        for pid, name, email in import_lookup.people(tx):
            if email:
                self.by_email[email.casefold()] = pid
            self.by_name.setdefault(name.casefold(), pid)
            self.by_squashed.setdefault(_squash(name), _shown(name, email))

    def resolve_cached(self, ref: PersonRef | None) -> int | None:
        """resolve, once per distinct ref: its answer cannot change within an import."""
        if ref is None:
            return None
        # Keyed by a tuple: a dataclass's __hash__ and __eq__ run in Python, and this
        # runs for every event.
        key = (ref.name, ref.email)
        if key not in self.resolved:
            self.resolved[key] = self.resolve(ref)
        return self.resolved[key]

    def resolve(self, ref: PersonRef | None) -> int | None:
        if ref is None or not (ref.name or ref.email):
            return None
        email = ref.email.casefold() if ref.email else None
        if email and email in self.by_email:
            return self.by_email[email]
        name = (ref.name or ref.email or "").strip()
        if name.casefold() in self.by_name and email is None:
            return self.by_name[name.casefold()]
        # Not certain enough to merge: a new person, listed for someone to check.
        similar = self.by_squashed.get(_squash(name))
        if similar is not None:
            self.result.uncertain_people.append(
                f"{_shown(name, ref.email)} may be the same person as {similar}"
            )
        pid = import_writer.insert_person(self.tx, name, ref.email or None)
        if email:
            self.by_email[email] = pid
        self.by_name.setdefault(name.casefold(), pid)
        self.by_squashed.setdefault(_squash(name), _shown(name, ref.email))
        self.result.new_people.append(name)
        return pid


def _squash(name: str) -> str:
    """'Zoë Ñúñez', 'zoe nunez' and 'ZoeNunez' alike: letters and digits, no accents."""
    plain = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in plain if c.isalnum())


def _shown(name: str, email: str | None) -> str:
    return f"{name} <{email}>" if email else name
