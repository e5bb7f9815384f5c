#!/usr/bin/env bash
# Build the one-folder desktop bundle dist/irdesk/ with PyInstaller (packaging/irdesk.spec).
#
#   PYTHON=.venv/bin/python packaging/build_bundle.sh
#
# PYTHON is an interpreter with irdesk's dependencies and the `package` extra
# (PyInstaller, build). irdesk itself is taken from its wheel, made here by
# packaging/build_dist.sh, so the bundle ships the files the wheel ships.
# Prints the build time and size.
set -euo pipefail
cd "$(dirname "$0")/.."

python="${PYTHON:-.venv/bin/python}"
work=build/bundle
started=$(date +%s)

rm -rf "$work" dist/irdesk
mkdir -p "$work"
PYTHON="$python" packaging/build_dist.sh "$work/wheel" >/dev/null
wheels=("$work"/wheel/irdesk-*.whl)
"$python" -m zipfile -e "${wheels[0]}" "$work/stage"

# Analysis imports the staged packages; bytecode written there would be collected.
export IRDESK_STAGE="$PWD/$work/stage" PYTHONDONTWRITEBYTECODE=1
"$python" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath "$work/pyinstaller" packaging/irdesk.spec

echo "build_bundle: dist/irdesk built in $(($(date +%s) - started)) s, $(du -sh dist/irdesk | cut -f1)"
