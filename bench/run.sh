#!/usr/bin/env bash
# bench/run.sh — runs the benchmarks from a build directory and prints one
# Markdown report: when, where, which versions; handshakes, instruction counts
# (callgrind, when valgrind is installed), bulk and memory tables; then a
# summary against the targets of issue 12. The report also replaces the part of
# docs/PERFORMANCE.md between its "bench:begin" and "bench:end" markers
# (GLS_BENCH_DOCS=0 leaves the file alone). Sizes keep a run to a few minutes;
# override with GLS_BENCH_HANDSHAKES, GLS_BENCH_ROUNDS, GLS_BENCH_MIB,
# GLS_BENCH_CONNS, GLS_BENCH_IDLE_PAIRS, GLS_BENCH_CALLGRIND (scenario ids, or
# "" to skip instruction counts), GLS_BENCH_CG_HANDSHAKES.
set -euo pipefail
build=${1:-build-bench}
src=$(cd "$(dirname "$0")/.." && pwd)
bin="$build/bench"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out="$work/report"

rounds=${GLS_BENCH_ROUNDS:-7}
cg_scns=${GLS_BENCH_CALLGRIND-tls13-ecdsa tls13-psk tls12-ticket tls12-session-id}
cg_n=${GLS_BENCH_CG_HANDSHAKES:-20}

# keys made once, so every program (and valgrind) skips key generation
export GLS_BENCH_KEYS="$work/keys"
mkdir -p "$GLS_BENCH_KEYS"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$GLS_BENCH_KEYS/ec.pem" 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$GLS_BENCH_KEYS/rsa.pem" 2>/dev/null

count() { # count LIB SCENARIO: instructions per handshake pair (or per math unit)
    local f="$work/cg.$1.$2"
    valgrind --tool=callgrind --toggle-collect='measured*' --callgrind-out-file="$f" \
        "$bin/bench_handshake" --count "$1" "$2" "$cg_n" >/dev/null 2>&1 || { echo "-"; return; }
    awk -v n="$cg_n" '/^totals:/ { printf "%.2f", $2 / n / 1e6 }' "$f"
}

{
    echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); commit $(git -C "$src" rev-parse --short HEAD 2>/dev/null || echo unknown)"
    echo "- machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(nproc) cores, $(uname -sr); load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "- $(openssl version); GnuTLS $(pkg-config --modversion gnutls) on nettle $(pkg-config --modversion nettle 2>/dev/null || echo '?') (GnuTLS brings its own crypto: nettle and GMP; glasstls and libssl share libcrypto)"
    echo "- timing: process CPU time; rates are medians of $rounds interleaved rounds, ratios medians of per-round ratios"

    "$bin/bench_handshake" "${GLS_BENCH_HANDSHAKES:-100}" "$rounds"

    if [ -n "$cg_scns" ] && command -v valgrind >/dev/null; then
        echo
        echo "### Instructions per handshake pair (callgrind, millions; $cg_n handshakes, setup excluded)"
        echo
        echo "| scenario | glasstls | OpenSSL | GnuTLS | public-key math alone | glasstls above the math |"
        echo "|---|---:|---:|---:|---:|---:|"
        for s in $cg_scns; do
            g=$(count glasstls "$s"); o=$(count OpenSSL "$s"); t=$(count GnuTLS "$s")
            m="-"; above="-"
            case $s in tls13-ecdsa|tls13-psk)
                m=$(count math "$s")
                above=$(awk -v g="$g" -v m="$m" 'BEGIN { printf "%+.0f%%", 100 * (g / m - 1) }')
                if [ "$s" = tls13-ecdsa ]; then
                    met=$(awk -v g="$g" -v m="$m" 'BEGIN { print (g / m - 1 <= 0.30) ? "yes" : "no" }')
                    echo "@summary| instructions above the public-key math, TLS 1.3 ECDSA | <= +30% | $above ($g M vs $m M) | $met |"
                fi;;
            esac
            echo "| $s | $g | $o | $t | $m | $above |"
        done
    fi

    echo
    "$bin/bench_pq" "${GLS_BENCH_HANDSHAKES:-100}" "$rounds"

    "$bin/bench_bulk" "${GLS_BENCH_MIB:-64}" "$rounds"
    "$bin/bench_memory" "${GLS_BENCH_CONNS:-200}" "${GLS_BENCH_IDLE_PAIRS:-10000}"
} >"$out"

{
    echo "<!-- bench:begin (written by bench/run.sh; do not edit by hand) -->"
    echo
    grep -v '^@summary|' "$out"
    echo
    echo "### Summary against the targets of issue 12"
    echo
    echo "| measure | target | glasstls | met |"
    echo "|---|---|---|---|"
    grep "^@summary|" "$out" | sed "s/^@summary//"
    echo
    echo "<!-- bench:end -->"
} >"$work/section"
cat "$work/section"

doc="$src/docs/PERFORMANCE.md"
if [ "${GLS_BENCH_DOCS:-1}" != 0 ] && grep -q '<!-- bench:begin' "$doc" 2>/dev/null; then
    awk -v sec="$work/section" '
        /<!-- bench:begin/ { while ((getline l < sec) > 0) print l; skip = 1; next }
        /<!-- bench:end/ { skip = 0; next }
        !skip { print }' "$doc" >"$work/doc" && cp "$work/doc" "$doc"
    echo "(docs/PERFORMANCE.md updated)" >&2
fi
