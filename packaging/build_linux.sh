#!/usr/bin/env bash
# Build the Linux onedir bundle (dist/huashu/) with packaging/huashu.spec and smoke-test it.
#
#   packaging/build_linux.sh            build, print size, run the frozen self-test
#   packaging/build_linux.sh --smoke    same, plus: Xvfb self-test, relocated copy, library links,
#                                       start-time measurement (what CI runs)
#   packaging/build_linux.sh --no-build run the checks against an existing dist/huashu
#   HUASHU_NO_TRIM=1 packaging/build_linux.sh   build without trimming (to compare sizes)
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-.venv/bin/python}
DIST=dist
WORK=build/pyinstaller
APP=$DIST/huashu
SMOKE=0
BUILD=1
for arg in "$@"; do
  case "$arg" in
    --smoke) SMOKE=1 ;;
    --no-build) BUILD=0 ;;
    *) echo "usage: packaging/build_linux.sh [--smoke] [--no-build]" >&2; exit 2 ;;
  esac
done

log() { printf '\033[1m[package]\033[0m %s\n' "$*" >&2; }
now_ms() { date +%s%3N; }

if [ "$BUILD" = 1 ]; then
  if ! "$PY" -c 'import PyInstaller' >/dev/null 2>&1; then
    log "installing pyinstaller into $(dirname "$(dirname "$PY")")"
    "$PY" -m pip install -q --disable-pip-version-check "pyinstaller>=6.6"
  fi
  log "pyinstaller $("$PY" -m PyInstaller --version) -> $APP"
  t0=$(now_ms)
  "$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$DIST" --workpath "$WORK" packaging/huashu.spec
  log "build took $(( ($(now_ms) - t0) / 1000 )) s"
fi

[ -x "$APP/huashu" ] || { log "no $APP/huashu (build first)"; exit 1; }

size_mb=$(du -sm "$APP" | cut -f1)
files=$(find "$APP" -type f | wc -l)
log "bundle: $APP  ${size_mb} MB, $files files (tar.gz: $(tar -C "$DIST" -czf - huashu | wc -c | awk '{printf "%.0f", $1/1048576}') MB)"
du -sm "$APP"/_internal/* 2>/dev/null | sort -rn | head -8 | sed 's/^/           /' >&2

# Other jobs (parallel CI steps, other test runs) may start Xvfb at the same time; `xvfb-run -a` alone
# races for :99, so start the search for a free display at a random number.
xvfb() { xvfb-run -a -n $(( 100 + RANDOM % 800 )) -s "-screen 0 1280x800x24" "$@"; }

failed=0
selftest() {  # selftest LABEL CMD...
  local label=$1; shift
  log "self-test ($label)"
  local t0; t0=$(now_ms)
  if "$@" --self-test; then
    log "self-test ($label) passed in $(( $(now_ms) - t0 )) ms"
  else
    log "self-test ($label) FAILED"; return 1
  fi
}

# A desktop session may set DISPLAY; the offscreen run must not depend on one.
selftest offscreen env -u DISPLAY -u WAYLAND_DISPLAY QT_QPA_PLATFORM=offscreen "$APP/huashu" || failed=1

if [ "$SMOKE" = 1 ]; then
  if command -v xvfb-run >/dev/null 2>&1; then
    selftest "Xvfb, xcb" xvfb env -u QT_QPA_PLATFORM "$APP/huashu" || failed=1
  else
    log "xvfb-run not found: skipping the X11 self-test"
  fi

  # Installed somewhere else (a path with spaces and Chinese, started from another directory).
  reloc=$(mktemp -d)/"话术 助手"
  mkdir -p "$reloc"
  cp -a "$APP" "$reloc/"
  (cd / && selftest relocated env -u DISPLAY QT_QPA_PLATFORM=offscreen "$reloc/huashu/huashu") || failed=1
  rm -rf "$(dirname "$reloc")"

  log "checking that every bundled library resolves"
  missing=$(find "$APP" -type f \( -name '*.so' -o -name '*.so.*' -o -name huashu \) -print0 \
    | xargs -0 -n 20 ldd 2>/dev/null | grep 'not found' | sort -u || true)
  if [ -n "$missing" ]; then
    log "unresolved libraries:"; echo "$missing" >&2; failed=1
  fi

  log "start time (--version, 3 runs)"
  for i in 1 2 3; do
    t0=$(now_ms); "$APP/huashu" --version >/dev/null; echo "           run $i: $(( $(now_ms) - t0 )) ms" >&2
  done
  if command -v xvfb-run >/dev/null 2>&1 && command -v xdotool >/dev/null 2>&1; then
    log "start time to a visible main window (Xvfb; first start creates the library)"
    xvfb packaging/measure_start.sh "$APP/huashu" || failed=1
  fi
fi

if [ "$failed" != 0 ]; then
  log "FAILED"
  exit 1
fi
log "ok"
