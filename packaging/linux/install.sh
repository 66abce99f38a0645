#!/bin/sh
# Install 话术助手 Huashu from an unpacked Linux bundle (the folder holding this script and huashu/).
#   ./install.sh                 for the current user, no root needed (~/.local)
#   sudo ./install.sh --system   for every user of the computer (/opt/huashu, /usr/local/bin)
#   ./install.sh --autostart     also start Huashu when the user logs in
#   ./install.sh --uninstall     remove the app (each user's library and settings are kept)
# A huashu.preload.json next to this script (the company's trusted key and channel) is installed
# beside the executable, so agents start with zero configuration.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
MODE=user
AUTOSTART=0
UNINSTALL=0
for arg in "$@"; do
  case "$arg" in
    --system) MODE=system ;;
    --autostart) AUTOSTART=1 ;;
    --uninstall) UNINSTALL=1 ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown option $arg (see --help)" >&2; exit 2 ;;
  esac
done

if [ "$MODE" = system ]; then
  if [ "$(id -u)" -ne 0 ]; then echo "install.sh: --system needs root (sudo ./install.sh --system)" >&2; exit 2; fi
  APPDIR=/opt/huashu
  BINDIR=/usr/local/bin
  DATADIR=/usr/share
  AUTODIR=/etc/xdg/autostart
else
  APPDIR=$HOME/.local/opt/huashu
  BINDIR=$HOME/.local/bin
  DATADIR=${XDG_DATA_HOME:-$HOME/.local/share}
  AUTODIR=${XDG_CONFIG_HOME:-$HOME/.config}/autostart
fi

refresh() {
  if command -v update-mime-database >/dev/null 2>&1; then update-mime-database "$DATADIR/mime" >/dev/null 2>&1 || true; fi
  if command -v update-desktop-database >/dev/null 2>&1; then update-desktop-database -q "$DATADIR/applications" 2>/dev/null || true; fi
  if command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -f "$DATADIR/icons/hicolor/index.theme" ]; then
    gtk-update-icon-cache -q -t -f "$DATADIR/icons/hicolor" 2>/dev/null || true
  fi
}

if [ "$UNINSTALL" = 1 ]; then
  rm -rf "$APPDIR"
  [ -L "$BINDIR/huashu" ] && rm -f "$BINDIR/huashu"
  rm -f "$DATADIR/applications/huashu.desktop" "$DATADIR/mime/packages/huashu.xml" "$AUTODIR/huashu.desktop"
  find "$DATADIR/icons/hicolor" -name 'huashu.png' -o -name 'huashu.svg' 2>/dev/null | while read -r f; do rm -f "$f"; done
  refresh
  echo "话术助手 removed. Libraries and settings in each user's ~/.local/share/huashu are kept."
  exit 0
fi

[ -x "$HERE/huashu/huashu" ] || { echo "install.sh: $HERE/huashu/huashu not found (unpack the whole bundle)" >&2; exit 1; }

echo "Installing 话术助手 into $APPDIR"
mkdir -p "$(dirname "$APPDIR")" "$BINDIR" "$DATADIR/applications" "$DATADIR/mime/packages"
staging="$APPDIR.new.$$"
rm -rf "$staging"
cp -a "$HERE/huashu" "$staging"
if [ -f "$HERE/huashu.preload.json" ]; then
  cp "$HERE/huashu.preload.json" "$staging/huashu.preload.json"
  echo "  company preload: huashu.preload.json"
fi
rm -rf "$APPDIR"
mv "$staging" "$APPDIR"
ln -sf "$APPDIR/huashu" "$BINDIR/huashu"

# Desktop entry with the absolute path, so it works even when $BINDIR is not on PATH.
sed "s|^Exec=.*|Exec=\"$APPDIR/huashu\" %f|" "$HERE/share/applications/huashu.desktop" \
  >"$DATADIR/applications/huashu.desktop"
chmod 644 "$DATADIR/applications/huashu.desktop"
cp "$HERE/share/mime/packages/huashu.xml" "$DATADIR/mime/packages/huashu.xml"
(cd "$HERE/share/icons" && find hicolor -type f) | while read -r icon; do
  mkdir -p "$DATADIR/icons/$(dirname "$icon")"
  cp "$HERE/share/icons/$icon" "$DATADIR/icons/$icon"
done
if [ "$AUTOSTART" = 1 ]; then
  mkdir -p "$AUTODIR"
  sed "s|^Exec=.*|Exec=\"$APPDIR/huashu\"|" "$HERE/share/applications/huashu.desktop" >"$AUTODIR/huashu.desktop"
  echo "  autostart: $AUTODIR/huashu.desktop"
fi
refresh
if [ "$MODE" = user ] && command -v xdg-mime >/dev/null 2>&1; then
  xdg-mime default huashu.desktop application/x-huashu-pack 2>/dev/null || true
fi

echo "Checking the installed app (huashu --self-test)..."
if QT_QPA_PLATFORM=offscreen "$APPDIR/huashu" --self-test >"${TMPDIR:-/tmp}/huashu-selftest.log" 2>&1; then
  echo "  self-test passed"
else
  echo "  self-test FAILED; details:" >&2
  sed 's/^/    /' "${TMPDIR:-/tmp}/huashu-selftest.log" >&2
  exit 1
fi
case ":$PATH:" in
  *":$BINDIR:"*) ;;
  *) echo "Note: $BINDIR is not on your PATH; start 话术助手 from the applications menu." ;;
esac
echo "Done. Start 话术助手 from the applications menu or run: huashu"
