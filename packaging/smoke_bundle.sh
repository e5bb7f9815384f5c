#!/usr/bin/env bash
# Smoke test of the built desktop bundle (packaging/build_bundle.sh makes it).
#
#   PYTHON=.venv/bin/python packaging/smoke_bundle.sh [BUNDLE_DIR]   (default dist/irdesk)
#
# Runs the bundle as a user would, in a fresh IRDESK_HOME and HOME: version, demo,
# a real PagerDuty export imported into a new file, metrics, an old file upgraded
# through the bundled migrations, a signed packet verified by irdesk (and by
# pdfsig and qpdf where installed), and the window, offscreen and on a virtual X
# display (Xvfb, with xdotool and xprop to see it). One line per step; the first
# failure stops it with exit status 1. Also prints the bundle's size and start
# times.
#
# PYTHON (an interpreter with irdesk installed, e.g. the project's .venv) only
# writes the old-revision file the upgrade step starts from: the bundle cannot
# run arbitrary Python.
set -uo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"

bundle="${1:-dist/irdesk}"
exe="$bundle/irdesk"
python="${PYTHON:-.venv/bin/python}"
sample="$repo/../shared/data/pagerduty_incidents_page.json"
version="$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' irdesk/__init__.py)"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/irdesk-smoke.XXXXXX")"
window_pid=""
xvfb_pid=""
cleanup() {
  [[ -n "$window_pid" ]] && kill "$window_pid" 2>/dev/null
  [[ -n "$xvfb_pid" ]] && kill "$xvfb_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
# Nothing of the runner's own: a first start on a fresh machine.
export IRDESK_HOME="$tmp/irdesk-home" HOME="$tmp/home"
mkdir -p "$HOME"
unset QT_QPA_PLATFORM

SMOKE_NAME=smoke_bundle
# shellcheck source=packaging/smoke_steps.sh
source packaging/smoke_steps.sh  # the script runs from the repository root
median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

echo "smoke_bundle: $repo/$bundle"
[[ -x "$exe" ]] || fail "bundle" "no executable $exe (run packaging/build_bundle.sh first)"
[[ -f "$sample" ]] || fail "sample" "no sample export at $sample"
step "bundle size" "$(du -sh "$bundle" | cut -f1) ($(find "$bundle" -type f | wc -l) files)"

# irdesk's own files, where importlib.resources looks for them in the bundle:
# everything git tracks beside the Python modules, and the migrations as source.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git ls-files irdesk resources docs |
    grep -v '\.py$' |
    cat - <(git ls-files irdesk/storage/migrations | grep '\.py$') |
    sed -e 's|^resources/|irdesk/resources/|' -e 's|^docs/|irdesk/docs/|' >"$tmp/tracked"
  while IFS= read -r file; do
    [[ -f "$bundle/_internal/$file" ]] || echo "$file"
  done <"$tmp/tracked" >"$tmp/err"
  [[ -s "$tmp/err" ]] && fail "bundle contents" "$(wc -l <"$tmp/err") of irdesk's files missing from $bundle/_internal"
  step "bundle contents" "all $(wc -l <"$tmp/tracked") data files and migrations of irdesk"
else
  step "bundle contents" "skipped (not a git checkout: nothing to compare with)"
fi

run "version" "$exe" --version
expect "version" "^irdesk $version$"
times=()
for _ in 1 2 3 4 5; do
  started=$(now_ms)
  "$exe" --version >/dev/null 2>&1 || fail "version" "a repeated --version failed"
  times+=($(($(now_ms) - started)))
done
step "version" "irdesk $version; start to --version $(printf '%s\n' "${times[@]}" | median) ms (median of 5)"

run "demo" "$exe" demo "$tmp/demo.db"
expect "demo" "^Wrote .*incidents"
is_irdesk_file "$tmp/demo.db" || fail "demo" "$tmp/demo.db is not an irdesk database"
step "demo" "$(head -n 1 "$tmp/out" | sed "s|$tmp/||")"

run "import" "$exe" import "$sample" --db "$tmp/imported.db"
expect "import" "^Incidents: [1-9][0-9]* new"
step "import" "$(basename "$sample"): $(grep '^Incidents:' "$tmp/out")"

run "metrics" "$exe" metrics --db "$tmp/demo.db" --by team --format json
expect "metrics" '"policy'
step "metrics" "demo by team as JSON, $(wc -c <"$tmp/out") bytes"

run "db check" "$exe" db check "$tmp/demo.db"
expect "db check" "audit log: *ok"
step "db check" "demo: integrity, foreign keys and audit log ok"

[[ -x "$python" ]] || fail "upgrade" "no $python to write an old-revision file (set PYTHON)"
run "upgrade (set-up)" "$python" - "$tmp/old.db" <<'EOF'
import sys

from sqlalchemy import create_engine

from irdesk.storage import schema

engine = create_engine(f"sqlite:///{sys.argv[1]}")
with engine.begin() as conn:
    schema.upgrade(conn, schema.known_revisions()[0])
engine.dispose()
EOF
run "upgrade" "$exe" db upgrade "$tmp/old.db"
expect "upgrade" "^Upgraded .* to schema revision"
step "upgrade" "$(head -n 1 "$tmp/out" | sed "s|$tmp/||") (every migration)"

printf 'smoke-test passphrase\n' >"$tmp/passphrase"
run "identity" "$exe" identity create "$tmp/signer.p12" --name "Smoke Test Signer" \
  --org "irdesk CI" --passphrase-file "$tmp/passphrase"
[[ -s "$tmp/signer.p12" && -s "$tmp/signer.pem" ]] || fail "identity" "no signer.p12 and signer.pem"
step "identity" "signer.p12 and signer.pem for Smoke Test Signer"

incident="pagerduty:$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["incidents"][0]["id"])' "$sample")" ||
  fail "packet" "cannot read the first incident id of $sample"
run "packet" "$exe" packet "$incident" --profile legal --db "$tmp/imported.db" \
  --out "$tmp/packet.pdf" --sign "$tmp/signer.p12" --passphrase-file "$tmp/passphrase"
expect "packet" "signed by Smoke Test Signer"
step "packet" "$incident, legal, $(sed -n 's/.*packet [^,]*, \([0-9]* pages\).*/\1/p' "$tmp/out"), signed"

run "verify" "$exe" verify "$tmp/packet.pdf" --trust "$tmp/signer.pem"
expect "verify" "result: OK"
step "verify" "irdesk verify: signed by the key in signer.pem, no changes after it"

if command -v pdfsig >/dev/null; then
  run "pdfsig" pdfsig "$tmp/packet.pdf"
  expect "pdfsig" "Signature Validation: Signature is Valid"
  step "pdfsig" "poppler: Signature is Valid"
else
  step "pdfsig" "skipped (poppler-utils not installed)"
fi
if command -v qpdf >/dev/null; then
  run "qpdf" qpdf --check "$tmp/packet.pdf"
  expect "qpdf" "No syntax or stream encoding errors"
  step "qpdf" "qpdf --check: no syntax or stream errors"
fi

# The window, offscreen: it must start, open (here: create) its database and stay
# up; then it is stopped. A crash or a missing resource shows as an exit or a
# traceback on stderr.
QT_QPA_PLATFORM=offscreen "$exe" --db "$tmp/window.db" >"$tmp/out" 2>"$tmp/err" &
window_pid=$!
for _ in $(seq 100); do
  is_irdesk_file "$tmp/window.db" && break
  kill -0 "$window_pid" 2>/dev/null || break
  sleep 0.1
done
sleep 3
kill -0 "$window_pid" 2>/dev/null || { window_pid=""; fail "window (offscreen)" "the window exited"; }
kill "$window_pid"
wait "$window_pid" 2>/dev/null
window_pid=""
grep -q "^Traceback" "$tmp/err" && fail "window (offscreen)" "a traceback on stderr"
is_irdesk_file "$tmp/window.db" || fail "window (offscreen)" "the window did not create its database"
step "window (offscreen)" "started, created window.db, stayed up 3 s, stopped"

# The window on a virtual X display (Qt's xcb platform, as on a desktop): the
# time from start to the window mapped, the start time users feel. Xvfb picks a
# free display itself (-displayfd), so runs beside other jobs do not collide.
if command -v Xvfb >/dev/null && command -v xdotool >/dev/null; then
  Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$tmp/display" 2>"$tmp/xvfb-err" &
  xvfb_pid=$!
  for _ in $(seq 200); do
    [[ -s "$tmp/display" ]] && break
    sleep 0.05
  done
  [[ -s "$tmp/display" ]] || { cp "$tmp/xvfb-err" "$tmp/err"; fail "window (X11)" "Xvfb did not start"; }
  export DISPLAY=":$(head -n 1 "$tmp/display")"
  rm -f "$tmp/window-ms"
  for _ in 1 2 3; do
    started=$(now_ms)
    QT_QPA_PLATFORM=xcb "$exe" --db "$tmp/window.db" >"$tmp/out" 2>"$tmp/err" &
    window_pid=$!
    # Polled every 50 ms (xdotool's own --sync looks only every half second).
    until xdotool search --onlyvisible --name "irdesk" >/dev/null; do
      kill -0 "$window_pid" 2>/dev/null || { window_pid=""; fail "window (X11)" "the window exited"; }
      (($(now_ms) - started < 60000)) || fail "window (X11)" "no irdesk window visible after 60 s"
      sleep 0.05
    done
    echo $(($(now_ms) - started)) >>"$tmp/window-ms"
    if [[ ! -s "$tmp/window-props" ]] && command -v xprop >/dev/null; then
      # The icon drawn from irdesk.svg (Qt's SVG plugins are in the bundle) and the
      # class the desktop entry's StartupWMClass names.
      xprop -id "$(xdotool search --onlyvisible --name "irdesk" | head -n 1)" \
        _NET_WM_ICON WM_CLASS >"$tmp/window-props" 2>&1
      grep -q "Icon (" "$tmp/window-props" || fail "window (X11)" "the window has no icon"
      grep -q '"irdesk", "irdesk"' "$tmp/window-props" || fail "window (X11)" "WM_CLASS is not irdesk"
    fi
    kill "$window_pid"
    wait "$window_pid" 2>/dev/null
    window_pid=""
    grep -q "^Traceback" "$tmp/err" && fail "window (X11)" "a traceback on stderr"
  done
  kill "$xvfb_pid"
  wait "$xvfb_pid" 2>/dev/null
  xvfb_pid=""
  step "window (X11)" "start to visible window $(median <"$tmp/window-ms") ms (median of 3, Xvfb)"
  [[ -s "$tmp/window-props" ]] && step "window (X11)" "icon set from irdesk.svg, WM_CLASS irdesk"
else
  step "window (X11)" "skipped (needs Xvfb and xdotool)"
fi

echo "smoke_bundle: OK"
