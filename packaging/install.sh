#!/usr/bin/env bash
# Install annotator for the current user (no root): run from the unpacked tarball.
#
#   ./install.sh [--no-link]
#
#   app         $DATA/annotator-app/            (the bundle; uninstall.sh is copied there too)
#   menu entry  $DATA/applications/annotator.desktop
#   icons       $DATA/icons/hicolor/{16x16..512x512,scalable}/apps/annotator.{png,svg}
#   command     ~/.local/bin/annotator -> $DATA/annotator-app/annotator   (not with --no-link)
#
# where DATA is $XDG_DATA_HOME, by default ~/.local/share. Installing again replaces the app;
# projects and settings (~/.local/share/annotator/, ~/.config/annotator/) are never touched.
set -euo pipefail

link=1
for arg in "$@"; do
  case "$arg" in
    --no-link) link=0 ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[ -n "${HOME:-}" ] || { echo "install.sh: HOME is not set" >&2; exit 1; }
DATA=${XDG_DATA_HOME:-$HOME/.local/share}
APP=$DATA/annotator-app
BIN=$HOME/.local/bin

[ -x "$HERE/annotator/annotator" ] || { echo "install.sh: $HERE/annotator/annotator is missing: run me from the unpacked tarball" >&2; exit 1; }
[ "$(uname -m)" = x86_64 ] || echo "install.sh: warning: this bundle is for x86_64, this machine is $(uname -m)" >&2

# A value for the desktop file's Exec key: quoted when it has reserved characters (freedesktop
# Desktop Entry spec, "The Exec key"), then escaped as a desktop-file string.
exec_arg() {
  local s=$1
  case "$s" in
    *[!A-Za-z0-9_./+,:@%=-]*)
      s=${s//\\/\\\\}; s=${s//\"/\\\"}; s=${s//\`/\\\`}; s=${s//\$/\\\$}
      s="\"$s\""
      s=${s//\\/\\\\}
      ;;
  esac
  printf '%s' "$s"
}

# 1. the app: copied next to the old one, then swapped in
mkdir -p "$DATA"
rm -rf "$APP.new" "$APP.old"
cp -a "$HERE/annotator" "$APP.new"
cp "$HERE/uninstall.sh" "$APP.new/uninstall.sh"
chmod 755 "$APP.new/uninstall.sh"
[ -e "$APP" ] && mv "$APP" "$APP.old"
mv "$APP.new" "$APP"
rm -rf "$APP.old"

# 2. the menu entry, pointing at the installed executable
mkdir -p "$DATA/applications"
desktop=$DATA/applications/annotator.desktop
while IFS= read -r line || [ -n "$line" ]; do
  case "$line" in
    Exec=*) printf 'Exec=%s gui\n' "$(exec_arg "$APP/annotator")" ;;
    TryExec=*) printf 'TryExec=%s\n' "$APP/annotator" ;;
    *) printf '%s\n' "$line" ;;
  esac
done < "$HERE/annotator.desktop" > "$desktop.tmp"
mv "$desktop.tmp" "$desktop"
chmod 644 "$desktop"

# 3. icons (hicolor theme); refresh caches only where the desktop keeps them
mkdir -p "$DATA/icons/hicolor"
cp -R "$HERE/icons/hicolor/." "$DATA/icons/hicolor/"
touch "$DATA/icons/hicolor"
if [ -f "$DATA/icons/hicolor/icon-theme.cache" ] && command -v gtk-update-icon-cache >/dev/null 2>&1; then
  gtk-update-icon-cache -q -t "$DATA/icons/hicolor" || true
fi
if command -v update-desktop-database >/dev/null 2>&1; then
  update-desktop-database -q "$DATA/applications" || true
fi

# 4. the command
linked=""
if [ "$link" = 1 ]; then
  target=$BIN/annotator
  if [ -L "$target" ] || [ ! -e "$target" ]; then
    current=$(readlink "$target" 2>/dev/null || true)
    if [ -z "$current" ] || [ "$current" = "$APP/annotator" ] || [ ! -e "$current" ]; then
      mkdir -p "$BIN"
      ln -sfn "$APP/annotator" "$target"
      linked=$target
    fi
  fi
  [ -n "$linked" ] || echo "install.sh: $target exists and is not ours: left alone (run $APP/annotator)" >&2
fi

echo "annotator installed:"
echo "  app         $APP"
echo "  menu entry  $desktop"
echo "  icons       $DATA/icons/hicolor/*/apps/annotator.*"
[ -n "$linked" ] && echo "  command     $linked"
case ":$PATH:" in
  *":$BIN:"*) ;;
  *) [ -n "$linked" ] && echo "  ($BIN is not on your PATH: add it, or start annotator from the menu)" ;;
esac
echo "Uninstall with: $APP/uninstall.sh"
