#!/usr/bin/env bash
# Build the sdist and the wheel (python -m build) into OUT_DIR, from a clean copy.
#
#   PYTHON=.venv/bin/python packaging/build_dist.sh [OUT_DIR]   (default dist)
#
# setuptools reuses the build/ and irdesk.egg-info/ a source tree keeps from an
# earlier build (or an editable install): a file listed there once goes on being
# packaged after pyproject stops naming it. So the archives are built from a copy
# of the files git knows, committed or not (ignored ones left out), and hold what
# pyproject says and nothing left over. Outside a git checkout the tree itself
# is built. PYTHON needs the `build` package (the `package` extra).
set -euo pipefail
cd "$(dirname "$0")/.."

python="${PYTHON:-.venv/bin/python}"
out="${1:-dist}"
version="$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' irdesk/__init__.py)"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/irdesk-dist.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

source_dir="$PWD"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  source_dir="$tmp/source"
  mkdir -p "$source_dir"
  git ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' file; do
      if [[ -f "$file" ]]; then printf '%s\0' "$file"; fi  # not the deleted ones
    done |
    tar --null --files-from=- -cf - | tar -xf - -C "$source_dir"
fi

if ! "$python" -m build --outdir "$tmp/out" "$source_dir" >"$tmp/build.log" 2>&1; then
  tail -n 40 "$tmp/build.log" >&2
  echo "build_dist: python -m build failed" >&2
  exit 1
fi
mkdir -p "$out"
rm -f "$out/irdesk-$version-py3-none-any.whl" "$out/irdesk-$version.tar.gz"
mv "$tmp/out/irdesk-$version-py3-none-any.whl" "$tmp/out/irdesk-$version.tar.gz" "$out/"
for archive in "$out/irdesk-$version-py3-none-any.whl" "$out/irdesk-$version.tar.gz"; do
  echo "build_dist: $archive, $(du -h "$archive" | cut -f1)"
done
