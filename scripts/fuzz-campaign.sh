#!/usr/bin/env bash
# A long fuzz campaign (docs/ROBUSTNESS.md): every libFuzzer target of build-fuzz at once,
# niced, for SECONDS each, from the committed corpus into a work directory; then each target's
# new finds are merged (minimised) back into tests/fuzz/corpus/<target>.
#   scripts/fuzz-campaign.sh SECONDS [OUT_DIR]
# OUT_DIR (default /tmp/gls-fuzz) keeps each target's log (final stats, coverage) and crashes.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:?seconds}
out=${2:-/tmp/gls-fuzz}
build=${FUZZ_BUILD:-build-fuzz}
targets=${FUZZ_TARGETS:-"server client msg hs_server hs_client record decrypt"}
mkdir -p "$out"
pids=()
for t in $targets; do
  mkdir -p "$out/$t/work" "$out/$t/crashes"
  nice -n 19 "$build/fuzz_$t" -max_total_time="$secs" -print_final_stats=1 -timeout=20 \
    -rss_limit_mb=1024 -artifact_prefix="$out/$t/crashes/" "$out/$t/work" \
    "tests/fuzz/corpus/$t" >"$out/$t/log" 2>&1 &
  pids+=($!)
done
status=0
for p in "${pids[@]}"; do
  wait "$p" || status=1
done
for t in $targets; do
  echo "== fuzz_$t"
  grep -E "^#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb|ERROR|SUMMARY" \
    "$out/$t/log" || true
  ls "$out/$t/crashes" | sed 's/^/crash: /'
done
exit $status
