#!/usr/bin/env bash
# Bad arguments to every glasstls command give a usage message on stderr and exit 2 (never a
# crash); --help exits 0 and prints the options.
set -uo pipefail
bin="$GLS_BUILD/glasstls"
fails=0
passes=0
expect_usage()
{
    local err
    err=$("$bin" "$@" 2>&1 >/dev/null)
    local rc=$?
    if [ "$rc" -ne 2 ] || [ -z "$err" ]; then
        echo "FAIL: glasstls $* exited $rc (want 2) with: $err"
        fails=$((fails + 1))
    else
        passes=$((passes + 1))
    fi
}
expect_help()
{
    local out
    out=$("$bin" "$@" 2>/dev/null)
    local rc=$?
    if [ "$rc" -ne 0 ] || ! grep -q "usage: glasstls" <<<"$out"; then
        echo "FAIL: glasstls $* exited $rc or printed no usage"
        fails=$((fails + 1))
    else
        passes=$((passes + 1))
    fi
}
expect_usage
expect_usage frobnicate
expect_usage client
expect_usage client --bogus localhost
expect_usage client --ciphers NOPE localhost
expect_usage client --groups nope localhost
expect_usage client --kx quantum localhost
expect_usage client a b
expect_usage server --port 0
expect_usage server --port 70000
expect_usage server --bogus
expect_usage server extra
expect_usage explain --bogus
expect_usage decrypt
expect_usage decrypt --bogus x.pcap
for cmd in client server explain decrypt; do
    expect_help "$cmd" --help
done
expect_help help
# a client whose certificate file does not exist fails cleanly (exit 2: bad option value)
expect_usage client --cert /nonexistent --key /nonexistent localhost
echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
