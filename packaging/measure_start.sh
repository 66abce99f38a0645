#!/usr/bin/env bash
# Time from launching the app to its main window being mapped on the X display (run under xvfb-run).
#   packaging/measure_start.sh dist/huashu/huashu
# Uses a fresh data folder: run 1 is a first start (creates the library), runs 2-3 are warm starts.
set -euo pipefail
APP=${1:?usage: measure_start.sh PATH/TO/huashu}
TIMEOUT_S=${TIMEOUT_S:-60}
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
export HUASHU_DATA_DIR=$data
unset QT_QPA_PLATFORM

now_ms() { date +%s%3N; }

for run in 1 2 3; do
  t0=$(now_ms)
  "$APP" >"$data/app.log" 2>&1 &
  pid=$!
  shown=""
  while [ $(( $(now_ms) - t0 )) -lt $(( TIMEOUT_S * 1000 )) ]; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "           run $run: the app exited before showing a window:" >&2
      sed 's/^/             /' "$data/app.log" >&2
      exit 1
    fi
    if xdotool search --onlyvisible --pid "$pid" >/dev/null 2>&1; then
      shown=$(( $(now_ms) - t0 )); break
    fi
    sleep 0.02
  done
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if [ -z "$shown" ]; then
    echo "           run $run: no window within ${TIMEOUT_S} s" >&2
    exit 1
  fi
  label=$([ "$run" = 1 ] && echo "first start" || echo "warm start")
  echo "           run $run: window visible after ${shown} ms ($label)" >&2
done
