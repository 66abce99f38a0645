#!/usr/bin/env bash
# Build the macOS app bundle (dist/话术助手.app) and a disk image (dist/huashu-<version>-macos-<arch>.dmg).
# Run on a Mac with Python 3.11 from python.org or Homebrew (see docs/INSTALL.md for supported macOS):
#     packaging/macos/build_macos.sh
# Signing and notarisation (optional, needs an Apple Developer ID):
#     HUASHU_CODESIGN_IDENTITY="Developer ID Application: Example Co (TEAMID)" \
#     HUASHU_NOTARY_PROFILE=huashu-notary packaging/macos/build_macos.sh
# (create the profile once: xcrun notarytool store-credentials huashu-notary --apple-id ... --team-id ...)
set -euo pipefail
cd "$(dirname "$0")/../.."

PYTHON=${PYTHON:-python3.11}
APP="dist/话术助手.app"
log() { printf '\033[1m[package]\033[0m %s\n' "$*" >&2; }

if [ ! -x .venv/bin/python ]; then
  log "creating .venv with $PYTHON"
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --disable-pip-version-check -q -e . "pyinstaller>=6.6"
version=$(.venv/bin/python -c 'import huashu; print(huashu.__version__)')
arch=$(uname -m)

log "PyInstaller -> $APP"
start=$(date +%s)
.venv/bin/python -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/huashu.spec
log "build took $(( $(date +%s) - start )) s, $(du -sm "$APP" | cut -f1) MB"

log "frozen self-test"
"$APP/Contents/MacOS/huashu" --self-test

if [ -n "${HUASHU_CODESIGN_IDENTITY:-}" ]; then
  # PyInstaller signed the binaries with the identity; sign the bundle with the hardened runtime.
  codesign --force --deep --options runtime --timestamp --sign "$HUASHU_CODESIGN_IDENTITY" "$APP"
  codesign --verify --deep --strict --verbose=2 "$APP"
fi

dmg="dist/huashu-$version-macos-$arch.dmg"
rm -f "$dmg"
staging=$(mktemp -d)
cp -R "$APP" "$staging/"
ln -s /Applications "$staging/Applications"
hdiutil create -quiet -volname "话术助手 $version" -srcfolder "$staging" -ov -format UDZO "$dmg"
rm -rf "$staging"

if [ -n "${HUASHU_CODESIGN_IDENTITY:-}" ]; then
  codesign --force --timestamp --sign "$HUASHU_CODESIGN_IDENTITY" "$dmg"
  if [ -n "${HUASHU_NOTARY_PROFILE:-}" ]; then
    xcrun notarytool submit "$dmg" --keychain-profile "$HUASHU_NOTARY_PROFILE" --wait
    xcrun stapler staple "$dmg"
  fi
fi
log "$dmg ($(du -m "$dmg" | cut -f1) MB)"
