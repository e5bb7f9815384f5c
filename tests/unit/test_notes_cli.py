"""`irdesk notes` as a manager and an HR partner run it, in process.

Passphrases come from --passphrase-file, never from the command line. Every refusal
is one sentence on stderr, exit 1 (2 for a wrong command line), and an unchanged file.
"""

import contextlib
import io
import json
import os
import sqlite3
import stat
from datetime import date
from pathlib import Path

import pytest
from note_keys import file_bytes
from testdata import CopyDemo, database_dump

from irdesk.cli.main import main

PHRASES = {"manager": "manager phrase 1", "hr": "hr partner phrase", "outsider": "outside phrase"}
NAMES = {"manager": "Morgan Manager", "hr": "Harper HR", "outsider": "Olive Outsider"}
CLI_WORDS = "Obsidian-marmalade: paged the right team within two minutes"
AFTER_REMOVAL = "Tangerine-basalt: written after HR left the readers"


@pytest.fixture
def world(tmp_path: Path, copy_demo: CopyDemo) -> dict[str, Path]:
    paths: dict[str, Path] = {}
    for who, phrase in PHRASES.items():
        secret = tmp_path / f"{who}.txt"
        secret.write_text(phrase + "\n", encoding="utf-8")
        paths[f"{who}-phrase"] = secret
        old = os.umask(0o022)
        try:
            code, _out, err = run(
                "identity",
                "create",
                str(tmp_path / f"{who}.p12"),
                "--name",
                NAMES[who],
                "--passphrase-file",
                str(secret),
            )
        finally:
            os.umask(old)
        assert code == 0, err
        paths[who] = tmp_path / f"{who}.p12"
        notes_key = tmp_path / f"{who}.p12.notes-key"
        assert stat.S_IMODE(notes_key.stat().st_mode) == 0o600
    db = tmp_path / "team.db"
    copy_demo(db, anchor=date(2026, 11, 28))
    paths["db"] = db
    return paths


def run(*argv: str, stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with (
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
        pytest.MonkeyPatch.context() as patch,
    ):
        patch.setattr("sys.stdin", io.StringIO(stdin))
        patch.delenv("IRDESK_PASSPHRASE", raising=False)
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def as_(world: dict[str, Path], who: str) -> list[str]:
    return ["--identity", str(world[who]), "--passphrase-file", str(world[f"{who}-phrase"])]


def someone(db: Path) -> tuple[str, str]:
    """A person of the demo and an incident they took part in."""
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return conn.execute(
            "SELECT p.name, i.external_id FROM timeline_event e JOIN person p ON "
            "p.id = e.actor_person_id JOIN incident i ON i.id = e.incident_id LIMIT 1"
        ).fetchone()


def test_a_note_written_on_the_command_line_is_read_by_its_readers_only(
    world: dict[str, Path], tmp_path: Path
) -> None:
    db = str(world["db"])
    person, incident = someone(world["db"])
    # HR becomes a reader the first time they unlock against this file.
    assert run("notes", "readers", "--db", db, *as_(world, "hr"))[0] == 0
    text = tmp_path / "note.txt"
    text.write_text(CLI_WORDS, encoding="utf-8")

    code, out, err = run(
        "notes", "add", "--db", db, "--about", person, "--incident", incident,
        "--kind", "growth", "--reader", "Harper HR", "--text-file", str(text),
        *as_(world, "manager"),
    )  # fmt: skip

    assert code == 0, err
    assert "readable by Harper HR, Morgan Manager" in out
    for who in ("manager", "hr"):
        code, out, err = run("notes", "list", "--db", db, "--person", person, *as_(world, who))
        assert code == 0 and CLI_WORDS in out, (who, err)
        assert "growth (readers: Harper HR, Morgan Manager)" in out
    for locked in (as_(world, "outsider"), []):
        code, out, _err = run("notes", "list", "--db", db, "--person", person, *locked)
        assert code == 0 and CLI_WORDS not in out
        assert f"about {person} on {incident}" in out
        assert "locked (readers: Harper HR, Morgan Manager)" in out
    for path, data in file_bytes(world["db"]).items():
        assert CLI_WORDS.encode() not in data, path


def test_the_text_may_come_from_stdin(world: dict[str, Path]) -> None:
    person, _incident = someone(world["db"])
    db = str(world["db"])
    code, _out, err = run(
        "notes", "add", "--db", db, "--about", person, *as_(world, "manager"), stdin=CLI_WORDS
    )
    assert code == 0, err
    assert CLI_WORDS in run("notes", "list", "--db", db, *as_(world, "manager"))[1]


def test_dimensions_are_written_and_listed(world: dict[str, Path]) -> None:
    person, _incident = someone(world["db"])
    db = str(world["db"])
    dims = ["--dimension", "documentation", "--dimension", "communication"]
    add = ["notes", "add", "--db", db, "--about", person, *dims]
    code, _out, err = run(*add, *as_(world, "manager"), stdin=CLI_WORDS)
    assert code == 0, err
    # Listed in the dimensions' own order, whatever order they were typed in.
    assert (
        "about communication, documentation"
        in run("notes", "list", "--db", db, *as_(world, "manager"))[1]
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--about", "Nobody Atall"], "no person named 'Nobody Atall'"),
        (["--reader", "Zed"], "no reader is called 'Zed'"),
        (["--incident", "INC-0"], "INC-0"),
    ],
)
def test_bad_input_is_one_sentence_and_changes_nothing(
    world: dict[str, Path], argv: list[str], message: str
) -> None:
    person, _incident = someone(world["db"])
    before = database_dump(world["db"])
    about = [] if "--about" in argv else ["--about", person]
    code, out, err = run(
        "notes", "add", "--db", str(world["db"]), *about, *argv, *as_(world, "manager"),
        stdin=CLI_WORDS,
    )  # fmt: skip
    assert code == 1 and out == ""
    assert err.startswith("irdesk: error: ") and message in err
    assert err.strip().endswith("No note was written.")
    assert database_dump(world["db"]) == before


def test_a_wrong_passphrase_is_refused_and_nothing_changes(
    world: dict[str, Path], tmp_path: Path
) -> None:
    person, _incident = someone(world["db"])
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not it\n", encoding="utf-8")
    before = database_dump(world["db"])
    code, out, err = run(
        "notes", "add", "--db", str(world["db"]), "--about", person,
        "--identity", str(world["manager"]), "--passphrase-file", str(wrong), stdin=CLI_WORDS,
    )  # fmt: skip
    assert code == 1 and out == ""
    assert "cannot be opened: wrong passphrase" in err and "Nothing was changed." in err
    assert database_dump(world["db"]) == before


def test_a_passphrase_is_never_an_argument(world: dict[str, Path]) -> None:
    with pytest.raises(SystemExit) as exit_:
        run("notes", "list", "--db", str(world["db"]), "--passphrase", "manager phrase 1")
    assert exit_.value.code == 1


def test_a_removed_reader_cannot_read_what_is_written_after(world: dict[str, Path]) -> None:
    db = str(world["db"])
    person, _incident = someone(world["db"])
    assert run("notes", "readers", "--db", db, *as_(world, "hr"))[0] == 0
    add = ["notes", "add", "--db", db, "--about", person, *as_(world, "manager")]
    assert run(*add, "--reader", "Harper HR", stdin=CLI_WORDS)[0] == 0

    code, out, err = run(
        "notes", "remove-reader", "--db", db, "--reader", "harper hr", *as_(world, "manager")
    )
    assert code == 0, err
    assert "Harper HR reads no note written from now on; 1 note got a new key" in out
    assert run(*add, stdin=AFTER_REMOVAL)[0] == 0
    code, out, _err = run("notes", "list", "--db", db, *as_(world, "hr"))
    assert CLI_WORDS not in out and AFTER_REMOVAL not in out
    assert AFTER_REMOVAL in run("notes", "list", "--db", db, *as_(world, "manager"))[1]


def test_export_writes_what_the_reader_can_read_to_a_private_file(
    world: dict[str, Path], tmp_path: Path
) -> None:
    db = str(world["db"])
    person, _incident = someone(world["db"])
    assert (
        run("notes", "add", "--db", db, "--about", person, *as_(world, "manager"), stdin=CLI_WORDS)[
            0
        ]
        == 0
    )
    out_file = tmp_path / "notes.json"
    old = os.umask(0o022)
    try:
        code, out, err = run(
            "notes", "export", "--db", db, "--out", str(out_file), *as_(world, "manager")
        )
    finally:
        os.umask(old)
    assert code == 0, err
    assert stat.S_IMODE(out_file.stat().st_mode) == 0o600
    records = json.loads(out_file.read_text(encoding="utf-8"))
    assert [(r["about"], r["text"]) for r in records] == [(person, CLI_WORDS)]
    # The demo's own notes are sealed to a key nobody kept: counted, never exported.
    assert "more you are not a reader of" in out


def test_the_demo_seals_its_notes_to_the_identity_it_is_given(
    world: dict[str, Path], tmp_path: Path
) -> None:
    path = tmp_path / "demo.db"
    code, out, err = run("demo", str(path), *as_(world, "manager"))
    assert code == 0, err
    assert "feedback notes are sealed to Morgan Manager" in out
    listed = run("notes", "list", "--db", str(path), *as_(world, "manager"))[1]
    assert "locked" not in listed and listed.count("(readers: Morgan Manager)") >= 10


def test_the_audit_log_names_the_person_who_said_who_they_are(
    world: dict[str, Path], tmp_path: Path
) -> None:
    from irdesk.storage.records.actor import actor_file, current_actor

    login_name = current_actor()  # nobody said yet: the login name
    assert not actor_file().exists()
    code, out, err = run("identity", "use", str(world["manager"]), *as_(world, "manager")[2:])
    assert code == 0, err
    assert out.startswith("The audit log names you Morgan Manager [cert ")
    assert stat.S_IMODE(actor_file().stat().st_mode) == 0o600
    assert current_actor().startswith("Morgan Manager [cert ") and current_actor() != login_name
    out_file = tmp_path / "legal.pdf"
    with contextlib.closing(sqlite3.connect(world["db"])) as conn:
        (incident,) = conn.execute("SELECT external_id FROM incident LIMIT 1").fetchone()
    code, _out, err = run(
        "packet", incident, "--profile", "legal", "--db", str(world["db"]), "--out", str(out_file)
    )
    assert code == 0, err
    with contextlib.closing(sqlite3.connect(world["db"])) as conn:
        (actor,) = conn.execute(
            "SELECT actor FROM audit_entry WHERE action = 'export_packet'"
        ).fetchone()
    assert (
        actor.startswith("Morgan Manager [cert ")
        and len(actor) == len("Morgan Manager [cert ]") + 16
    )
    # A wrong passphrase changes nothing.
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("nope\n", encoding="utf-8")
    before = actor_file().read_bytes()
    code, _out, err = run("identity", "use", str(world["hr"]), "--passphrase-file", str(wrong))
    assert code == 1 and "wrong passphrase" in err
    assert actor_file().read_bytes() == before


def test_an_older_file_is_upgraded_sealed_and_its_plain_backups_dealt_with(
    world: dict[str, Path], tmp_path: Path
) -> None:
    from note_keys import OTHER_WORDS, WORDS, plaintext_file

    old = plaintext_file(tmp_path / "old.db")
    code, out, err = run("db", "upgrade", str(old))
    assert code == 0, err
    assert "2 feedback notes from before notes were encrypted are kept unreadable" in out
    (first_backup,) = old.parent.glob("old.db.backup-*")
    # Nobody's identity yet: the notes wait, shown to nobody.
    code, out, _err = run("notes", "list", "--db", str(old))
    assert "2 notes from before notes were encrypted wait to be sealed" in out
    assert WORDS not in out and out.count("waiting to be sealed") == 2

    code, out, err = run("notes", "list", "--db", str(old), *as_(world, "manager"))
    assert code == 0, err
    assert "Sealed 2 older notes to Morgan Manager." in out
    assert WORDS in out and OTHER_WORDS in out
    assert f"These backup copies still hold notes in plain text: {first_backup}" in out
    for path, data in file_bytes(old).items():
        if path != first_backup:
            assert WORDS.encode() not in data and OTHER_WORDS.encode() not in data, path

    # The backup: encrypted in place to the same reader, and no copy of it left behind.
    code, out, err = run(
        "notes", "backups", "--db", str(old), "--reencrypt", *as_(world, "manager")
    )
    assert code == 0, err
    assert f"Encrypted {first_backup}: 2 notes sealed to Morgan Manager." in out
    assert sorted(p.name for p in old.parent.glob("old.db*")) == ["old.db", first_backup.name]
    for path, data in file_bytes(old).items():
        assert WORDS.encode() not in data and OTHER_WORDS.encode() not in data, path
    assert run("notes", "backups", "--db", str(old))[1].startswith("No backup copy of")
    hr_reads = run("notes", "list", "--db", str(first_backup), *as_(world, "hr"))[1]
    assert WORDS not in hr_reads and "locked (readers: Morgan Manager)" in hr_reads


def test_plain_backups_can_be_deleted(world: dict[str, Path], tmp_path: Path) -> None:
    from note_keys import plaintext_file

    old = plaintext_file(tmp_path / "old.db")
    assert run("db", "upgrade", str(old))[0] == 0
    (backup,) = old.parent.glob("old.db.backup-*")
    code, out, err = run("notes", "backups", "--db", str(old))
    assert code == 0 and f"{backup} holds notes in plain text." in out, err
    assert backup.exists()
    code, out, _err = run("notes", "backups", "--db", str(old), "--delete")
    assert f"Deleted {backup}." in out and not backup.exists()


def test_a_reader_who_unlocks_can_be_named_by_others(world: dict[str, Path]) -> None:
    db = str(world["db"])
    person, _incident = someone(world["db"])
    add = ["notes", "add", "--db", db, "--about", person, "--reader", "Harper HR"]
    code, _out, err = run(*add, *as_(world, "manager"), stdin=CLI_WORDS)
    assert code == 1 and "no reader is called 'Harper HR'" in err
    assert run("notes", "list", "--db", db, *as_(world, "hr"))[0] == 0  # HR unlocks once
    code, out, err = run(*add, *as_(world, "manager"), stdin=CLI_WORDS)
    assert code == 0 and "readable by Harper HR, Morgan Manager" in out, err
