#!/usr/bin/env bash
# The Debian/Ubuntu packages irdesk needs beyond Python (tools/debian-packages.txt),
# for `make run`, `make test` and CI alike. Silent when all are installed. Installs
# the missing ones when it may (as root, or with sudo that asks no password);
# otherwise it stops, before any test, with the one command line to run.
#
# PYTHON (default python3) is the interpreter the Makefile makes its venvs with: when
# it is Debian's own, its pythonX.Y-venv package is needed too, since without it
# Debian's `python3 -m venv` makes an environment with no pip.
# IRDESK_SKIP_SYSTEM_PACKAGES=1 skips the check, for a system that has the same
# libraries and tools from elsewhere.
set -euo pipefail

list="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/debian-packages.txt"
python="${PYTHON:-python3}"

if [[ -n ${IRDESK_SKIP_SYSTEM_PACKAGES:-} ]]; then
  exit 0
fi

packages=()
while IFS= read -r line || [[ -n $line ]]; do
  line="${line%%#*}"
  line="${line//[[:space:]]/}"
  if [[ -n $line ]]; then packages+=("$line"); fi
done <"$list"

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "system-packages: not Debian or Ubuntu (no dpkg-query), so nothing was checked or installed;" \
    "irdesk needs your system's equivalents of: ${packages[*]}" >&2
  exit 0
fi

python_path="$(command -v "$python" 2>/dev/null || true)"
if [[ -n $python_path ]] && dpkg-query -S "$(readlink -f "$python_path")" >/dev/null 2>&1; then
  packages+=("$("$python" -c 'import sys; print("python%d.%d-venv" % sys.version_info[:2])')")
fi

# One dpkg-query for the whole list keeps the check quick on every `make`.
installed="$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${packages[@]}" 2>/dev/null || true)"
missing=()
for package in "${packages[@]}"; do
  grep -Fqx "$package installed" <<<"$installed" || missing+=("$package")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

if [[ $(id -u) == 0 ]]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "irdesk needs these Debian packages, which are not installed: ${missing[*]}." >&2
  echo "Install them, then run make again:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi

echo "Installing the Debian packages irdesk needs: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# apt's progress is noise when it works and the whole story when it does not.
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! { "${as_root[@]}" apt-get update -qq &&
  "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "system-packages: apt-get could not install ${missing[*]} (its messages are above);" \
    "install them, or this release's equivalents, and run make again." >&2
  exit 1
fi
