"""A wrong command line, in-process through `irdesk.cli.main.main`: one sentence naming
the command, the option, what it takes and what was typed, exit 1 (cli/parser.py)."""

from pathlib import Path

import pytest

from irdesk.cli.main import main

SENTENCES = {
    ("demo", "x.db", "--seed", "abc"): "irdesk demo: error: --seed expected a whole number, "
    "found 'abc'.",
    ("--db", "x.db", "--demo"): "irdesk: error: --demo cannot be given with --db: expected one "
    "of the two.",
    ("org", "frobnicate"): "irdesk org: error: unknown action 'frobnicate': expected one of "
    "list, export, set, back, history, leave.",
    ("org", "leave", "add"): "irdesk org leave add: error: person and --from DATE are required "
    "and were not given.",
    ("org", "export", "--out", "o.json", "surplus"): "irdesk org export: error: unexpected "
    "argument 'surplus': expected options only.",
}


@pytest.mark.parametrize("argv", sorted(SENTENCES))
def test_one_sentence_and_exit_1(
    argv: tuple[str, ...],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit_:
        main(list(argv))
    out, err = capsys.readouterr()
    assert (exit_.value.code, out, err) == (1, "", SENTENCES[argv] + "\n")
    assert list(tmp_path.iterdir()) == []  # nothing written: no database, no export
