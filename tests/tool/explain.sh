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
# the forward-secrecy lesson: the RSA session comes back from the recording and the key,
# byte for byte; the ECDHE and TLS 1.3 sessions do not, for the stated reason
grep -q "== The forward-secrecy lesson" "$out" || { echo "no lesson"; exit 1; }
grep -qF 'recovered client -> server: "GET /secret HTTP/1.1\r\nHost: localhost\r\n\r\n"' "$out" ||
    { echo "request not recovered"; exit 1; }
grep -qF 'recovered server -> client: "HTTP/1.1 200 OK\r\nContent-Length: 22\r\n\r\nthe vault code is 4711"' "$out" ||
    { echo "reply not recovered"; exit 1; }
grep -q "the recovered plaintext equals what was sent" "$out" || { echo "plaintext differs"; exit 1; }
grep -q "formula: RSA-decrypt(server private key" "$out" || { echo "no decrypted pre-master"; exit 1; }
[ "$(grep -c "cannot be decrypted: forward secret" "$out")" -eq 2 ] ||
    { echo "expected 2 forward-secret refusals"; exit 1; }
[ "$(grep -c "recovered client -> server" "$out")" -eq 1 ] || { echo "too much recovered"; exit 1; }
# one session only, and bad arguments
[ "$("$bin" explain --tls1.3 --no-color | grep -c '^== ')" -eq 1 ]
if "$bin" explain --bogus >/dev/null 2>&1; then echo "bad option accepted"; exit 1; fi
echo "1 passed, 0 failed"
