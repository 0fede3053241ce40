#!/usr/bin/env bash
# tests/interop/pq_chromium.sh — a real browser's TLS stack against ours: Debian's Chromium
# (headless, installed by scripts/setup.sh) loads the page of `glasstls server --www` on
# 127.0.0.1 and negotiates X25519MLKEM768 (0x11ec, issue 13). Three witnesses must agree: the
# page the server answered (as Chromium rendered it), the server's --log line, and Chromium's
# own NetLog (SSL_CONNECT: key_exchange_group 4588, TLS 1.3). Then the same with a server
# limited to x25519, so the check is seen to tell the groups apart.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

GLS=$GLS_BUILD/glasstls
[ -x "$GLS" ] || fail "no glasstls tool at $GLS"
command -v chromium >/dev/null || fail "this test needs chromium (scripts/setup.sh installs it)"
GLS_CLIENT_TIMEOUT=${GLS_CHROMIUM_TIMEOUT:-90} # a cold headless start is slow under load

# A test certificate: ECDSA P-256, self-signed, for localhost and 127.0.0.1.
"$OPENSSL" req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$GLS_TMP/server.key" -out "$GLS_TMP/server.pem" 2>"$GLS_TMP/cert.log" ||
    fail "could not make the test certificate"

# browse NAME GROUP_ID GROUP_NAME [server options]: glasstls server (srv-NAME) with the
# options, Chromium loads its page; all three witnesses must name the group. The server is
# stopped afterwards.
browse()
{
    local name=$1
    local id=$2
    local group=$3
    shift 3
    local port
    port=$(free_port)
    start_bg "srv-$name" "$GLS" server --www --log --port "$port" --cert "$GLS_TMP/server.pem" \
        --key "$GLS_TMP/server.key" "$@"
    wait_port "$port" "srv-$name"
    mkdir -p "$GLS_TMP/profile-$name"
    run_client "$name" "" chromium --headless --no-sandbox --disable-gpu --disable-quic \
        --no-first-run --disable-background-networking --disable-component-update \
        --disable-sync --ignore-certificate-errors --user-data-dir="$GLS_TMP/profile-$name" \
        --log-net-log="$GLS_TMP/$name.netlog.json" --dump-dom "https://127.0.0.1:$port/"
    [ "$RUN_STATUS" = 0 ] || fail "$name: chromium exited $RUN_STATUS"
    stop_bg "srv-$name"
    expect_contains "$(out_of "$name")" "Protocol       : TLSv1.3"
    expect_contains "$(out_of "$name")" "Key exchange   : $group"
    pass "$name: the page Chromium rendered says TLSv1.3 with $group"
    local srv
    srv=$(err_of "srv-$name")
    expect_not_contains "$srv" "handshake failed"
    local all ours
    all=$(grep -c "glasstls server: handshake: " "$srv" || true)
    ours=$(grep -c "glasstls server: handshake: TLSv1.3 .* group $group alpn" "$srv" || true)
    [ "$all" -ge 1 ] && [ "$all" = "$ours" ] ||
        fail "$name: $ours of $all handshakes in the server's log used $group"
    pass "$name: the server's log: $all handshake(s), each TLSv1.3 with $group"
    python3 - "$GLS_TMP/$name.netlog.json" "$id" <<'PY' || fail "$name: Chromium's NetLog disagrees"
import json, sys
log = json.load(open(sys.argv[1]))
names = {v: k for k, v in log["constants"]["logEventTypes"].items()}
done = [e["params"] for e in log["events"]
        if names.get(e["type"]) == "SSL_CONNECT" and "key_exchange_group" in e.get("params", {})]
assert done, "no finished SSL_CONNECT in the NetLog"
for p in done:
    assert p["version"] == "TLS 1.3", p
    assert p["key_exchange_group"] == int(sys.argv[2]), p
print(f"NetLog: {len(done)} TLS 1.3 connection(s), key_exchange_group {sys.argv[2]}")
PY
    pass "$name: Chromium's own NetLog: TLS 1.3, key_exchange_group $id"
}

browse chromium-hybrid 4588 X25519MLKEM768
browse chromium-x25519 29 x25519 --groups x25519
echo "2 passed, 0 failed"
