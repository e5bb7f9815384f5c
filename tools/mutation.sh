#!/usr/bin/env bash
# Mutation testing, outside `make test`: mutmut changes one thing at a time in the code
# under test (a < for a <=, a constant, a dropped call) and runs the unit tests that reach
# it; a mutant no test notices ("survived") is behaviour nothing holds. It runs in a copy
# of the source tree, so the setup.cfg mutmut reads and its mutants/ folder never land in
# the repository, and only the unit tests of the code named, so each mutant is quick.
#
#   tools/mutation.sh [domain|writing|audit]     (default: domain)
#
# PYTHON names the interpreter (a venv with mutmut installed: pip install mutmut);
# MUTATION_DIR the copy (default /tmp/irdesk-mutation-<target>); MUTATION_JOBS the
# parallel children (default 2); MUTATE some of the target's files instead of all of them,
# MUTATION_TESTS some of its tests. Afterwards: cd "$MUTATION_DIR" && mutmut results, and
# mutmut show <name> for the diff of one survivor.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
target=${1:-domain}
PYTHON=${PYTHON:-$here/.venv/bin/python}
work=${MUTATION_DIR:-${TMPDIR:-/tmp}/irdesk-mutation-$target}
jobs=${MUTATION_JOBS:-2}

domain_tests="tests/unit/metrics tests/unit/test_blameless.py tests/unit/test_phases.py
  tests/unit/test_tiering.py tests/unit/test_tiering_agreement.py tests/unit/test_csv_cells.py
  tests/unit/test_classification.py tests/unit/test_period_figures.py"
case "$target" in
  domain)  sources="irdesk/domain"; tests=$domain_tests ;;
  writing) sources="irdesk/importers/writing"
           tests="tests/unit/importers/test_pipeline.py tests/unit/importers/test_pipeline_refs.py
             tests/unit/importers/test_recovery.py tests/unit/importers/test_write_progress.py
             tests/unit/importers/test_org_import.py" ;;
  audit)   sources="irdesk/storage/records/audit.py"
           # test_audit_anchor.py is left out: its packet-file checks fail unmutated in
           # mutmut's copy of the tree (the packets' anchors are not read there), and a run
           # needs a green start.
           tests="tests/unit/test_audit.py tests/unit/test_audit_sessions.py" ;;
  *) echo "usage: $0 [domain|writing|audit]" >&2; exit 2 ;;
esac
# MUTATE narrows the run to some of those files: MUTATE="irdesk/domain/phases.py" …
sources=${MUTATE:-$sources}
# MUTATION_TESTS the tests to run instead of the target's (a quicker run over a few files).
tests=${MUTATION_TESTS:-$tests}

[ -z "${MUTATION_DEBUG:-}" ] || debug="debug=true"
mkdir -p "$work"
# The tree as it is now (uncommitted changes too), without what git ignores.
(cd "$here" && git ls-files -co --exclude-standard -z | tar --null -T - -cf -) | tar -xf - -C "$work"
{
  echo "[mutmut]"
  # The whole package is copied into mutants/ (it comes first on the path there, so a
  # partial copy would hide the rest); only the files named are mutated.
  echo "source_paths=irdesk"
  echo "only_mutate="
  for s in $sources; do
    case "$s" in *.py) echo "  $s" ;; *) echo "  $s/*" ;; esac
  done
  # Tables, enums and the words of messages are declarations, not behaviour.
  echo "do_not_mutate="
  echo "  irdesk/domain/models.py"
  echo "  irdesk/domain/enums.py"
  echo "mutate_only_covered_lines=true"
  echo "${debug:-}"
  echo "pytest_add_cli_args_test_selection="
  for t in $tests; do echo "  $t"; done
} >"$work/setup.cfg"

# The tests read the real samples from ../shared beside the repository; mutmut runs them
# from $work/mutants, so that is where they look.
[ ! -d "$here/../shared" ] || ln -sfn "$(cd "$here/../shared" && pwd)" "$work/shared"

cd "$work"
QT_QPA_PLATFORM=offscreen "$PYTHON" -m mutmut run --max-children "$jobs" || true
"$PYTHON" -m mutmut results
