#!/usr/bin/env bash
# Zip an offline installation bundle for a site without internet (copy it to a USB stick):
# the build for this OS, INSTALL.md, the company preload file if any, SHA256SUMS inside, and
# dist/<bundle>.zip.sha256 beside it. Build first (packaging/build_linux.sh, build_windows.ps1,
# build_macos.sh). Runs under bash on Linux, macOS and Git Bash on Windows.
#   packaging/make_offline_bundle.sh [--target linux|windows|macos] [--out FILE.zip]
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${PYTHON:-}" ]; then PY=$PYTHON
elif [ -x .venv/bin/python ]; then PY=.venv/bin/python
elif [ -x .venv/Scripts/python.exe ]; then PY=.venv/Scripts/python.exe
else PY=python3
fi
exec "$PY" packaging/offline_bundle.py "$@"
