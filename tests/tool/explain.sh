#!/usr/bin/env bash
# `glasstls explain` runs its three connections, each side derives the same
# secrets, and the output names the values and formulas a reader needs.
set -euo pipefail
bin="$GLS_BUILD/glasstls"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$bin" explain --no-color >"$out"
for want in "TLS 1.2 with RSA key exchange" "TLS 1.2 with ECDHE" "TLS 1.3 with X25519" \
    "secret pre_master_secret" "secret extended_master_secret" "secret client_write_key" \
    "secret c hs traffic" "secret Master Secret" "What the three connections show"; do
    grep -q -- "$want" "$out" || { echo "missing: $want"; exit 1; }
done
n=$(grep -c "The server derived the same value for" "$out")
[ "$n" -eq 3 ] || { echo "expected 3 agreement checks, got $n"; exit 1; }
if grep "The server derived the same value" "$out" | grep -vE "for ([0-9]+) of the client's \1 secrets"; then
    echo "a secret differs between client and server"; exit 1
fi
# one session only, and bad arguments
[ "$("$bin" explain --tls1.3 --no-color | grep -c '^== ')" -eq 1 ]
if "$bin" explain --bogus >/dev/null 2>&1; then echo "bad option accepted"; exit 1; fi
echo "1 passed, 0 failed"
