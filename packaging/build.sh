#!/usr/bin/env bash
# Build the Linux desktop bundle of annotator with PyInstaller.
#
#   packaging/build.sh [--clean] [--no-tarball]
#
# Produces
#   packaging/dist/annotator/                              the app (onedir: the executable + _internal/)
#   packaging/dist/annotator-<version>-linux-x86_64.tar.gz   the bundle, .desktop file, icons, install.sh
#
# Everything is built in an isolated virtual environment under packaging/build/venv (created on
# the first run and reused while packaging/constraints.txt and pyproject.toml are unchanged;
# --clean starts from scratch). Only PyPI is used. Versions are pinned: PyInstaller and its hooks
# below, every other package in packaging/constraints.txt.
#
# Environment: PYTHON (the interpreter to build with, default python3; must be 3.11+),
# SOURCE_DATE_EPOCH (timestamp written into the tarball; default: the last git commit's time).
set -euo pipefail

PYINSTALLER_VERSION=6.22.3
PYINSTALLER_HOOKS_CONTRIB_VERSION=2026.9

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
BUILD=$HERE/build
DIST=$HERE/dist
VENV=$BUILD/venv
PYTHON=${PYTHON:-python3}

clean=0
tarball=1
for arg in "$@"; do
  case "$arg" in
    --clean) clean=1 ;;
    --no-tarball) tarball=0 ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
started=$(date +%s)

version=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' "$ROOT/annotator/__init__.py")
[ -n "$version" ] || { echo "build.sh: no __version__ in annotator/__init__.py" >&2; exit 1; }
arch=$(uname -m)
[ "$(uname -s)" = Linux ] || { echo "build.sh: builds the Linux bundle only (this is $(uname -s))" >&2; exit 1; }
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || { echo "build.sh: $PYTHON is older than Python 3.11" >&2; exit 1; }

mkdir -p "$BUILD" "$DIST"
if command -v flock >/dev/null 2>&1; then  # one build at a time in this checkout
  exec 9>"$BUILD/.lock"
  flock -n 9 || { say "waiting for another build in $BUILD"; flock 9; }
fi
if [ "$clean" = 1 ]; then
  say "removing packaging/build and packaging/dist"
  find "$BUILD" -mindepth 1 -maxdepth 1 ! -name .lock -exec rm -rf {} +
  rm -rf "$DIST" && mkdir -p "$DIST"
fi

# ---- 1. the isolated build environment ------------------------------------------------------
stamp_want=$( (cat "$HERE/constraints.txt" "$ROOT/pyproject.toml"; echo "$PYINSTALLER_VERSION $PYINSTALLER_HOOKS_CONTRIB_VERSION") | sha256sum | cut -c1-16)-$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
stamp_have=$(cat "$VENV/.annotator-build-stamp" 2>/dev/null || true)
if [ "$stamp_want" != "$stamp_have" ]; then
  say "creating the build environment $VENV"
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --disable-pip-version-check -q \
    -c "$HERE/constraints.txt" \
    "pyinstaller==$PYINSTALLER_VERSION" "pyinstaller-hooks-contrib==$PYINSTALLER_HOOKS_CONTRIB_VERSION" \
    "$ROOT"
  echo "$stamp_want" > "$VENV/.annotator-build-stamp"
else
  say "reusing the build environment $VENV"
fi
# The project itself always fresh from the working tree (a regular, non-editable install, like
# the wheel a user gets: annotator/_data/{resources,seeds} inside the package).
"$VENV/bin/python" -m pip install --disable-pip-version-check -q --no-deps --force-reinstall "$ROOT"
(cd "$BUILD" && "$VENV/bin/python" -c '
import annotator.resources as r
assert (r.resources_dir() / "default_scheme.toml").is_file() and "_data" in str(r.seeds_dir()), r.seeds_dir()
')

# ---- 2. PyInstaller ---------------------------------------------------------------------------
say "running PyInstaller $PYINSTALLER_VERSION"
rm -rf "$DIST/annotator"
(
  cd "$BUILD"  # so that the source checkout is not on sys.path: the installed package is bundled
  PYTHONHASHSEED=0 "$VENV/bin/pyinstaller" --noconfirm --clean --log-level WARN \
    --distpath "$DIST" --workpath "$BUILD/pyinstaller" "$HERE/annotator.spec"
)
bundle=$DIST/annotator
[ -x "$bundle/annotator" ] || { echo "build.sh: PyInstaller made no $bundle/annotator" >&2; exit 1; }
dangling=$(find "$bundle" -xtype l)
[ -z "$dangling" ] || { printf 'build.sh: dangling symbolic links in the bundle:\n%s\n' "$dangling" >&2; exit 1; }

# Debug info: spaCy's, thinc's and blis's Cython modules and (with pyenv) Python itself carry
# ~150 MB of it. Only the .debug_* sections go (strip --strip-debug); symbols stay, and files
# without debug info (e.g. the auditwheel-patched numpy/Qt libraries) are not touched.
if command -v strip >/dev/null 2>&1 && command -v readelf >/dev/null 2>&1; then
  say "stripping debug info"
  before=$(du -sm "$bundle" | cut -f1)
  find "$bundle/_internal" -type f -name '*.so*' -print0 | while IFS= read -r -d '' f; do
    if readelf -S "$f" 2>/dev/null | grep '\.debug_info' >/dev/null; then  # (no -q: pipefail)
      strip --strip-debug "$f"
    fi
  done
  say "  ${before} MB -> $(du -sm "$bundle" | cut -f1) MB"
else
  echo "build.sh: warning: strip/readelf (binutils) not found: debug info stays in the bundle" >&2
fi

# What the bundle needs from the system at run time (and whether this machine has it).
if command -v ldd >/dev/null 2>&1; then
  found=$BUILD/system-libraries.txt
  : > "$found.tmp"
  find "$bundle/_internal" -type f -name '*.so*' -print0 | while IFS= read -r -d '' f; do
    LD_LIBRARY_PATH="$bundle/_internal" ldd "$f" 2>/dev/null | awk -v b="$bundle" '
      /=> not found/ { print $1 " (not found on this machine)"; next }
      /=>/ && index($3, b) != 1 { print $1 }' >> "$found.tmp"
  done
  sort -u "$found.tmp" > "$found" && rm -f "$found.tmp"
  say "system libraries the bundle loads (list in $found):"
  sed 's/^/      /' "$found" >&2
fi

# ---- 3. icons (rendered from the SVG with Qt, so no binaries live in the repository) ----------
say "rendering icons"
icons=$BUILD/icons
rm -rf "$icons" && mkdir -p "$icons"
QT_QPA_PLATFORM=offscreen "$VENV/bin/python" "$HERE/render_icons.py" "$ROOT/resources/icons/annotator.svg" "$icons"

# ---- 4. the tarball ---------------------------------------------------------------------------
if [ "$tarball" = 1 ]; then
  name=annotator-$version-linux-$arch
  say "writing $name.tar.gz"
  stage=$BUILD/stage
  rm -rf "$stage" && mkdir -p "$stage/$name"
  cp -a "$bundle" "$stage/$name/annotator"
  cp "$HERE/annotator.desktop" "$HERE/install.sh" "$HERE/uninstall.sh" "$stage/$name/"
  cp "$HERE/README.bundle.txt" "$stage/$name/README.txt"
  cp -a "$icons" "$stage/$name/icons"
  chmod 755 "$stage/$name/install.sh" "$stage/$name/uninstall.sh"
  epoch=${SOURCE_DATE_EPOCH:-$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || date +%s)}
  rm -f "$DIST/$name.tar.gz"
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" \
      -C "$stage" -cf - "$name" | gzip -n -6 > "$DIST/$name.tar.gz"
  rm -rf "$stage"
fi

took=$(( $(date +%s) - started ))
say "done in ${took}s: $bundle ($(du -sh "$bundle" | cut -f1))"
[ "$tarball" = 1 ] && say "tarball: $DIST/$name.tar.gz ($(du -h "$DIST/$name.tar.gz" | cut -f1))"
exit 0
