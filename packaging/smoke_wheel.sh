#!/usr/bin/env bash
# Smoke test of the wheel and sdist that `python -m build --outdir dist .` made.
#
#   PYTHON=.venv/bin/python packaging/smoke_wheel.sh [DIST_DIR]   (default dist)
#
# 1. The wheel holds every file of irdesk/, resources/ (as irdesk/resources/) and
#    docs/ (as irdesk/docs/) that git tracks, and the sdist holds the wheel's files.
# 2. The wheel goes into a new virtual environment outside the source tree, and
#    irdesk runs from a folder where the source tree is not importable: version,
#    where its resources are read from, the guides' links and pictures, demo,
#    import, an old file upgraded, a signed packet verified, and the window
#    offscreen. So everything is found through importlib.resources in the
#    installed package, none of it in the source tree.
# One line per step; the first failure stops it with exit status 1.
# PYTHON makes the virtual environment (any Python irdesk supports will do).
set -uo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"

dist="${1:-dist}"
python="${PYTHON:-.venv/bin/python}"
sample="$repo/../shared/data/pagerduty_incidents_page.json"
version="$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' irdesk/__init__.py)"
wheel="$dist/irdesk-$version-py3-none-any.whl"
sdist="$dist/irdesk-$version.tar.gz"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/irdesk-wheel.XXXXXX")"
window_pid=""
cleanup() {
  [[ -n "$window_pid" ]] && kill "$window_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

SMOKE_NAME=smoke_wheel
# shellcheck source=packaging/smoke_steps.sh
source packaging/smoke_steps.sh  # the script runs from the repository root

echo "smoke_wheel: $repo/$dist"
[[ -f "$wheel" ]] || fail "wheel" "no $wheel (run: python -m build --outdir $dist .)"
[[ -f "$sdist" ]] || fail "sdist" "no $sdist (run: python -m build --outdir $dist .)"
[[ -f "$sample" ]] || fail "sample" "no sample export at $sample"
step "wheel" "$(basename "$wheel"): $(du -h "$wheel" | cut -f1)"
step "sdist" "$(basename "$sdist"): $(du -h "$sdist" | cut -f1)"

# 1. What the archives hold.
"$python" -m zipfile -l "$wheel" | awk 'NR > 1 {print $1}' | sort >"$tmp/wheel-files"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git ls-files irdesk resources docs |
    sed -e 's|^resources/|irdesk/resources/|' -e 's|^docs/|irdesk/docs/|' | sort >"$tmp/tracked"
  comm -23 "$tmp/tracked" "$tmp/wheel-files" >"$tmp/missing"
  if [[ -s "$tmp/missing" ]]; then
    cp "$tmp/missing" "$tmp/err"
    fail "wheel contents" "$(wc -l <"$tmp/missing") tracked file(s) missing from the wheel; add them to [tool.setuptools.package-data]"
  fi
  step "wheel contents" "all $(wc -l <"$tmp/tracked") tracked files of irdesk/, resources/, docs/"
else
  step "wheel contents" "skipped (not a git checkout: nothing to compare with)"
fi
tar -tzf "$sdist" | sed -n "s|^irdesk-$version/||p" |
  sed -e 's|^resources/|irdesk/resources/|' -e 's|^docs/|irdesk/docs/|' | sort >"$tmp/sdist-files"
grep -v "^irdesk-$version.dist-info/" "$tmp/wheel-files" | comm -23 - "$tmp/sdist-files" >"$tmp/missing"
if [[ -s "$tmp/missing" ]]; then
  cp "$tmp/missing" "$tmp/err"
  fail "sdist contents" "the sdist lacks files the wheel ships"
fi
step "sdist contents" "every file the wheel ships"

# 2. Installed, away from the source tree.
run "install" "$python" -m venv "$tmp/venv"
run "install" "$tmp/venv/bin/python" -m pip install --quiet "$repo/$wheel"
step "install" "into a new virtual environment: $(du -sh "$tmp/venv" | cut -f1)"

mkdir -p "$tmp/work"
cd "$tmp/work" || fail "install" "cannot enter $tmp/work"
unset PYTHONPATH QT_QPA_PLATFORM
export IRDESK_HOME="$tmp/irdesk-home" HOME="$tmp/home"
mkdir -p "$HOME"
bin="$tmp/venv/bin"

run "version" "$bin/irdesk" --version
expect "version" "^irdesk $version$"
step "version" "$(cat "$tmp/out")"

run "resources" "$bin/python" - "$tmp/venv" "$repo" <<'EOF'
import re
import sys
from importlib import resources
from pathlib import Path

venv, repo = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()
places = {
    name: Path(str(resources.files(name))).resolve()
    for name in ("irdesk", "irdesk.resources", "irdesk.docs", "irdesk.storage")
}
for name, place in places.items():
    if venv not in place.parents:
        sys.exit(f"{name} is read from {place}, not from the installed package")
    if repo == place or repo in place.parents:
        sys.exit(f"{name} is read from the source tree: {place}")
needed = [
    places["irdesk.storage"] / "head_schema.sql",
    places["irdesk.storage"] / "migrations" / "env.py",
    places["irdesk.storage"] / "migrations" / "script.py.mako",
    places["irdesk.resources"] / "irdesk.svg",
    places["irdesk.resources"] / "fonts" / "DejaVuSans.ttf",
    places["irdesk.resources"] / "fonts" / "WenQuanYiMicroHei.ttf",
]
missing = [str(path) for path in needed if not path.is_file()]
if missing:
    sys.exit("missing: " + ", ".join(missing))
# The Help menu shows these guides; their pictures live in irdesk.resources.
docs = places["irdesk.docs"]
broken = []
guides = sorted(docs.rglob("*.md"))
for guide in guides:
    for target in re.findall(r"!\[[^\]]*\]\(([^)#\s]+)", guide.read_text(encoding="utf-8")):
        if not (guide.parent / target).resolve().is_file():
            broken.append(f"{guide.relative_to(docs)}: {target}")
if broken:
    sys.exit("pictures the guides show are not installed: " + "; ".join(broken))
print(f"{len(guides)} guides, their pictures, fonts, schema and migrations, from {places['irdesk']}")
EOF
step "resources" "$(sed "s|$tmp/||" "$tmp/out")"

run "demo" "$bin/irdesk" demo demo.db
expect "demo" "^Wrote .*incidents"
step "demo" "$(head -n 1 "$tmp/out")"

run "import" "$bin/irdesk" import "$sample" --db imported.db
expect "import" "^Incidents: [1-9][0-9]* new"
step "import" "$(basename "$sample"): $(grep '^Incidents:' "$tmp/out")"

run "upgrade (set-up)" "$bin/python" - old.db <<'EOF'
import sys

from sqlalchemy import create_engine

from irdesk.storage import schema

engine = create_engine(f"sqlite:///{sys.argv[1]}")
with engine.begin() as conn:
    schema.upgrade(conn, schema.known_revisions()[0])
engine.dispose()
EOF
run "upgrade" "$bin/irdesk" db upgrade old.db
expect "upgrade" "^Upgraded .* to schema revision"
step "upgrade" "$(head -n 1 "$tmp/out" | sed "s|$tmp/work/||") (every migration)"

printf 'smoke-test passphrase\n' >passphrase
run "identity" "$bin/irdesk" identity create signer.p12 --name "Smoke Test Signer" \
  --passphrase-file passphrase
incident="pagerduty:$("$bin/python" -c 'import json, sys; print(json.load(open(sys.argv[1]))["incidents"][0]["id"])' "$sample")" ||
  fail "packet" "cannot read the first incident id of $sample"
run "packet" "$bin/irdesk" packet "$incident" --profile legal --db imported.db \
  --out packet.pdf --sign signer.p12 --passphrase-file passphrase
expect "packet" "signed by Smoke Test Signer"
run "verify" "$bin/irdesk" verify packet.pdf --trust signer.pem
expect "verify" "result: OK"
step "packet" "$incident, legal, signed; irdesk verify: by the key in signer.pem"

QT_QPA_PLATFORM=offscreen "$bin/irdesk" --db window.db >"$tmp/out" 2>"$tmp/err" &
window_pid=$!
for _ in $(seq 100); do
  is_irdesk_file window.db && break
  kill -0 "$window_pid" 2>/dev/null || break
  sleep 0.1
done
sleep 2
kill -0 "$window_pid" 2>/dev/null || { window_pid=""; fail "window (offscreen)" "the window exited"; }
kill "$window_pid"
wait "$window_pid" 2>/dev/null
window_pid=""
grep -q "^Traceback" "$tmp/err" && fail "window (offscreen)" "a traceback on stderr"
is_irdesk_file window.db || fail "window (offscreen)" "the window did not create its database"
step "window (offscreen)" "started, created window.db, stayed up 2 s, stopped"

echo "smoke_wheel: OK"
