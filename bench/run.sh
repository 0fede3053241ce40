#!/usr/bin/env bash
# bench/run.sh — runs the three benchmarks from a build directory and prints one
# Markdown report: when, where and against which OpenSSL; each benchmark's
# tables; then a summary against the project's performance goals. Sizes are
# modest so the run takes well under a minute; override them with
# GLS_BENCH_HANDSHAKES, GLS_BENCH_MIB, GLS_BENCH_SAMPLES, GLS_BENCH_CONNS.
set -euo pipefail
build=${1:-build-bench}
src=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp)
trap 'rm -f "$out"' EXIT

samples=${GLS_BENCH_SAMPLES:-7}
echo "# glasstls benchmarks"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); commit $(git -C "$src" rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "- machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(nproc) cores, $(uname -sr)"
echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- $(openssl version)"
echo "- timing: process CPU time; each figure is the best of $samples samples, the median in parentheses"

"$build/bench/bench_handshake" "${GLS_BENCH_HANDSHAKES:-500}" "$samples" >>"$out"
"$build/bench/bench_bulk" "${GLS_BENCH_MIB:-128}" "$samples" >>"$out"
"$build/bench/bench_memory" "${GLS_BENCH_CONNS:-200}" >>"$out"

grep -v '^@summary|' "$out"
echo
echo "## Summary against the goals"
echo
echo "| goal | target | glasstls | OpenSSL | met |"
echo "|---|---|---|---|---|"
grep "^@summary|" "$out" | sed "s/^@summary//"
