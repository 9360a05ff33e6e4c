#!/usr/bin/env bash
# Remove what install.sh installed for this user. Projects and settings are kept:
#   ~/.local/share/annotator/ (project files), ~/.config/annotator/ (settings).
set -euo pipefail
[ -n "${HOME:-}" ] || { echo "uninstall.sh: HOME is not set" >&2; exit 1; }
DATA=${XDG_DATA_HOME:-$HOME/.local/share}
APP=$DATA/annotator-app
BIN=$HOME/.local/bin

if [ -L "$BIN/annotator" ] && [ "$(readlink "$BIN/annotator")" = "$APP/annotator" ]; then
  rm -f "$BIN/annotator"
fi
rm -f "$DATA/applications/annotator.desktop"
for icon in "$DATA"/icons/hicolor/*/apps/annotator.png "$DATA"/icons/hicolor/scalable/apps/annotator.svg; do
  [ -e "$icon" ] && rm -f "$icon"
done
if [ -f "$DATA/icons/hicolor/icon-theme.cache" ] && command -v gtk-update-icon-cache >/dev/null 2>&1; then
  gtk-update-icon-cache -q -t "$DATA/icons/hicolor" || true
fi
if command -v update-desktop-database >/dev/null 2>&1 && [ -d "$DATA/applications" ]; then
  update-desktop-database -q "$DATA/applications" || true
fi
case "$APP" in
  */annotator-app) rm -rf "$APP" ;;
  *) echo "uninstall.sh: refusing to remove $APP" >&2; exit 1 ;;
esac
echo "annotator removed (projects in $DATA/annotator/ were kept)"
