#!/usr/bin/env bash
# Runs one fuzz target for a bounded time over a scratch copy of its seed corpus (the seeds in
# the repository stay as they are). A crashing input is printed and kept in ./artifacts.
#   run_fuzzer.sh TARGET SEED_DIR SECONDS
set -euo pipefail
target=$1 seeds=$2 seconds=$3
keep=$PWD/artifacts # crashing inputs survive the scratch directory here
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus"
cp -r "$seeds"/. "$work/corpus/"
cd "$work"
status=0
"$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$work/" corpus >log 2>&1 || status=$?
grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==ERROR|SUMMARY)' log || true
if [ "$status" -ne 0 ]; then
    tail -60 log
    mkdir -p "$keep"
    for crash in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*; do
        [ -e "$crash" ] || continue
        cp "$crash" "$keep/$(basename "$target")-$(basename "$crash")"
        echo "input kept as $keep/$(basename "$target")-$(basename "$crash"):"
        base64 "$crash" | head -20
    done
    exit "$status"
fi
