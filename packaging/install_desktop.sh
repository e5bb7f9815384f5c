#!/usr/bin/env bash
# Install (or with --uninstall, remove) irdesk's desktop integration for one user:
# the menu entry, the icon at every hicolor size, the file type of irdesk
# databases and the AppStream metadata.
#
#   packaging/install_desktop.sh [--uninstall] [DATA_DIR]
#
# DATA_DIR defaults to $XDG_DATA_HOME, else ~/.local/share. The menu entry runs
# `irdesk` from PATH (a pip or pipx install); IRDESK_EXEC=/abs/path/irdesk points
# it at another one, e.g. the bundle's dist/irdesk/irdesk.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
app_id="io.github.irdesk.irdesk"
sizes=(16 24 32 48 64 128 256)

uninstall=0
if [[ "${1:-}" == "--uninstall" ]]; then
  uninstall=1
  shift
fi
data="${1:-${XDG_DATA_HOME:-$HOME/.local/share}}"

installed=(
  "applications/irdesk.desktop"
  "metainfo/$app_id.metainfo.xml"
  "mime/packages/$app_id.xml"
  "icons/hicolor/scalable/apps/irdesk.svg"
)
for size in "${sizes[@]}"; do
  installed+=("icons/hicolor/${size}x${size}/apps/irdesk.png")
done

# The caches make the change visible without logging out; each tool is optional
# (a minimal system may lack one), the files are in place either way.
refresh_caches() {
  if command -v update-mime-database >/dev/null && [[ -d "$data/mime/packages" ]]; then
    update-mime-database "$data/mime"
  fi
  if command -v update-desktop-database >/dev/null && [[ -d "$data/applications" ]]; then
    update-desktop-database "$data/applications"
  fi
  if command -v gtk-update-icon-cache >/dev/null && [[ -d "$data/icons/hicolor" ]]; then
    gtk-update-icon-cache --quiet --ignore-theme-index "$data/icons/hicolor" || true
  fi
}

if ((uninstall)); then
  for file in "${installed[@]}"; do
    rm -f "$data/$file"
  done
  refresh_caches
  echo "Removed irdesk's desktop integration from $data"
  exit 0
fi

exec_path="${IRDESK_EXEC:-irdesk}"
# It goes into a double-quoted shell command inside the Exec key, whose quoting
# rules differ from the shell's; a plain path needs none of them.
if [[ ! "$exec_path" =~ ^[A-Za-z0-9/._+-]+$ ]]; then
  echo "IRDESK_EXEC must be a path of letters, digits and / . _ + - only: $exec_path" >&2
  exit 2
fi

install -D -m 644 "$here/$app_id.metainfo.xml" "$data/metainfo/$app_id.metainfo.xml"
install -D -m 644 "$here/$app_id.mime.xml" "$data/mime/packages/$app_id.xml"
install -D -m 644 "$repo/resources/irdesk.svg" "$data/icons/hicolor/scalable/apps/irdesk.svg"
for size in "${sizes[@]}"; do
  install -D -m 644 "$repo/resources/icons/hicolor/${size}x${size}/apps/irdesk.png" \
    "$data/icons/hicolor/${size}x${size}/apps/irdesk.png"
done
mkdir -p "$data/applications"
sed -e "s|^TryExec=irdesk$|TryExec=$exec_path|" \
    -e "s|exec irdesk |exec $exec_path |" \
    "$here/irdesk.desktop" >"$data/applications/irdesk.desktop"
chmod 644 "$data/applications/irdesk.desktop"

refresh_caches
echo "Installed irdesk's desktop integration in $data (runs: $exec_path)"
