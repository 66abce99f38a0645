#!/usr/bin/env bash
# One entry point for a fresh Debian machine: `./dev.sh run` sets up and launches the app,
# `./dev.sh test` sets up and runs the whole suite (lint, types, tests). CI calls the latter.
set -euo pipefail
cd "$(dirname "$0")"

VENV=.venv
PY=${PYTHON:-python3}
# Qt's xcb platform plugin and a CJK font: what a bare Debian lacks to show the window in Chinese.
RUNTIME_DEBS=(libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0
  libxcb-render-util0 libxcb-xinerama0 libxcb-randr0 libxcb-shape0 libxcb-xkb1 libegl1 libgl1
  libfontconfig1 libdbus-1-3 libglib2.0-0 fonts-noto-cjk xclip)
TEST_DEBS=(xvfb xdotool x11-utils openbox desktop-file-utils shared-mime-info)

log() { printf '\033[1m[huashu]\033[0m %s\n' "$*" >&2; }

apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo=(sudo); else
      log "missing Debian packages (install them as root): ${missing[*]}"; return 0
    fi
  fi
  log "installing Debian packages: ${missing[*]}"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_venv() {
  local extras=$1
  if ! "$PY" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    apt_install python3-venv
  fi
  if [ ! -x "$VENV/bin/python" ]; then
    log "creating $VENV"
    "$PY" -m venv "$VENV"
  fi
  local stamp="$VENV/.installed-$extras"
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    log "installing huashu${extras:+[$extras]} into $VENV"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e ".${extras:+[$extras]}"
    touch "$stamp"
  fi
}

with_display() {
  if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then "$@"; return; fi
  command -v xvfb-run >/dev/null 2>&1 || apt_install xvfb
  log "no display found: running on a virtual X screen (Xvfb)"
  xvfb-run -a -s "-screen 0 1600x1000x24" "$@"
}

cmd=${1:-run}
[ $# -gt 0 ] && shift
case "$cmd" in
  run)
    apt_install "${RUNTIME_DEBS[@]}"
    ensure_venv ""
    with_display "$VENV/bin/huashu" "$@"
    ;;
  test)
    apt_install "${RUNTIME_DEBS[@]}" "${TEST_DEBS[@]}"
    ensure_venv test
    log "ruff"
    "$VENV/bin/ruff" check desktop tests packaging
    log "mypy --strict (core, storage)"
    "$VENV/bin/mypy"
    if [ "${HUASHU_SKIP_FROZEN:-0}" != 1 ]; then
      # The frozen bundle is what branch stores install: build it and run its smoke checks, so
      # tests/packaging/test_frozen.py runs against a fresh build (HUASHU_SKIP_FROZEN=1 skips).
      log "frozen build (packaging/build_linux.sh --smoke)"
      PYTHON="$VENV/bin/python" with_display packaging/build_linux.sh --smoke
    fi
    log "pytest"
    with_display "$VENV/bin/python" -m pytest "$@"
    ;;
  *)
    echo "usage: ./dev.sh run [huashu args...] | ./dev.sh test [pytest args...]" >&2
    exit 2
    ;;
esac
