#!/usr/bin/env bash
# tests/interop/explain_live.sh — `glasstls client HOST:PORT --explain` against real peers:
# openssl s_server (TLS 1.3, TLS 1.2 ECDHE) and gnutls-serv (TLS 1.3), certificates verified
# for localhost. Each explanation must complete, say what the server proved and what the wire
# showed, read its own recording back (inputs, with the client's ephemeral private key), and
# print the traffic secrets (TLS 1.3) or master secret (TLS 1.2) the server itself wrote to
# its key log: the explanation is of the real session, not of a model of it. Without the
# extended master secret (gnutls %NO_SESSION_HASH) the classic one is shown as the one used.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
PKI=$GLS_TMP/pki
make_pki "$PKI"
bin="$GLS_BUILD/glasstls"

# secret_of NAME LABEL: the hex value the explanation printed for the secret LABEL
secret_of()
{
    awk -v want="  client secret $2 (" 'index($0, want) == 1 { getline; print $2; exit }' "$(out_of "$1")"
}

# check NAME KEYLOG VERSION: the explanation NAME matches the server's key log
check()
{
    local name=$1 log=$2 version=$3 cr
    [ "$RUN_STATUS" = 0 ] || fail "$name: exited $RUN_STATUS"
    expect_contains "$(out_of "$name")" "== A live connection to localhost, explained"
    expect_contains "$(out_of "$name")" "What the server proved, and how:"
    expect_contains "$(out_of "$name")" "certificate chain: verified against the trust store"
    expect_contains "$(out_of "$name")" "What an observer of the wire learned"
    expect_contains "$(out_of "$name")" "client ephemeral private key (this process made it; never sent)"
    expect_contains "$(out_of "$name")" "Protocol  : $version"
    cr=$(awk '/client_random \(in ClientHello\)/ { print $NF; exit }' "$(out_of "$name")")
    [ -n "$cr" ] || fail "$name: no client_random shown"
    if [ "$version" = TLSv1.3 ]; then
        grep -q "^CLIENT_TRAFFIC_SECRET_0 $cr $(secret_of "$name" "c ap traffic")\$" "$log" ||
            fail "$name: c ap traffic differs from the server's key log"
        grep -q "^SERVER_HANDSHAKE_TRAFFIC_SECRET $cr $(secret_of "$name" "s hs traffic")\$" "$log" ||
            fail "$name: s hs traffic differs from the server's key log"
    else
        grep -q "^CLIENT_RANDOM $cr $(secret_of "$name" extended_master_secret)\$" "$log" ||
            fail "$name: the master secret differs from the server's key log"
    fi
    pass "$name: the explanation's secrets are the server's"
}

for v in tls1_3 tls1_2; do
    port=$(free_port)
    start_bg "ossl-$v" "$OPENSSL" s_server -naccept 1 -"$v" -accept "127.0.0.1:$port" \
        -cert "$PKI/server-rsa.pem" -key "$PKI/server-rsa.key" -keylogfile "$GLS_TMP/ossl-$v.log" -www
    wait_port "$port" "ossl-$v"
    run_client "live-ossl-$v" "" "$bin" client "127.0.0.1:$port" --servername localhost \
        --cafile "$PKI/ca.pem" --explain
    check "live-ossl-$v" "$GLS_TMP/ossl-$v.log" "$([ $v = tls1_3 ] && echo TLSv1.3 || echo TLSv1.2)"
done

port=$(free_port)
SSLKEYLOGFILE="$GLS_TMP/gnutls.log" start_bg gnutls stdbuf -oL gnutls-serv --echo -p "$port" \
    --x509certfile "$PKI/server-rsa.pem" --x509keyfile "$PKI/server-rsa.key" \
    --priority "NORMAL:-VERS-ALL:+VERS-TLS1.3"
wait_port "$port" gnutls
run_client live-gnutls "" "$bin" client "127.0.0.1:$port" --servername localhost \
    --cafile "$PKI/ca.pem" --explain
check live-gnutls "$GLS_TMP/gnutls.log" TLSv1.3
stop_bg gnutls

# TLS 1.2 without the extended master secret (gnutls %NO_SESSION_HASH): the classic master
# secret is the one used and said so; the one printed in the inputs is the client's own secret
# and the server's key log's
port=$(free_port)
SSLKEYLOGFILE="$GLS_TMP/gnutls-noems.log" start_bg gnutls-noems stdbuf -oL gnutls-serv --echo \
    -p "$port" --x509certfile "$PKI/server-rsa.pem" --x509keyfile "$PKI/server-rsa.key" \
    --priority "NORMAL:-VERS-ALL:+VERS-TLS1.2:%NO_SESSION_HASH"
wait_port "$port" gnutls-noems
run_client live-noems "" "$bin" client "127.0.0.1:$port" --servername localhost \
    --cafile "$PKI/ca.pem" --explain
[ "$RUN_STATUS" = 0 ] || fail "live-noems: exited $RUN_STATUS"
cr=$(awk '/client_random \(in ClientHello\)/ { print $NF; exit }' "$(out_of live-noems)")
ms=$(secret_of live-noems master_secret)
grep -q "^CLIENT_RANDOM $cr $ms\$" "$GLS_TMP/gnutls-noems.log" ||
    fail "live-noems: the master secret differs from the server's key log"
grep -q "master_secret (classic, RFC 5246 §8.1; used) = .* = $ms\$" "$(out_of live-noems)" ||
    fail "live-noems: the inputs do not show the classic master secret as the one used"
expect_contains "$(out_of live-noems)" "This session did NOT negotiate the extended master secret"
if grep -q "negotiated the extended master secret instead\|secret extended_master_secret" "$(out_of live-noems)"; then
    fail "live-noems: the explanation speaks of an extended master secret it does not have"
fi
stop_bg gnutls-noems
pass "live-noems: without EMS the classic master secret is shown as the one used"
