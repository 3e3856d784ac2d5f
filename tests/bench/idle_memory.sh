#!/usr/bin/env bash
# Idle memory of the window: starts `spanscope` (offscreen unless a display is set) on an empty
# database with free ports, waits for it to settle, and prints its resident memory.
#   tests/bench/idle_memory.sh [path/to/spanscope]
set -euo pipefail
bin=${1:-build/app/spanscope}
dir=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen} XDG_CONFIG_HOME="$dir/config" \
    "$bin" --db "$dir/idle.db" --grpc 127.0.0.1:0 --http 127.0.0.1:0 \
    --sampling-http 127.0.0.1:0 --sampling-grpc 127.0.0.1:0 >"$dir/out" 2>&1 &
pid=$!
sleep "${SETTLE_SECONDS:-5}"
if ! kill -0 "$pid" 2>/dev/null; then
    echo "spanscope exited early:"; cat "$dir/out"; exit 1
fi
rss_kb=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
echo "Idle window with an empty store: resident memory $((rss_kb / 1024)) MiB ($rss_kb kB)"
