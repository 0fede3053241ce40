#!/usr/bin/env bash
# tests/interop/tls13_client.sh — the glasstls client against openssl s_server and gnutls-serv,
# TLS 1.3 on 127.0.0.1: each suite and each group, restricted on one side and then on the
# other (RFC 8446 §4.1.1, §4.2.7, §4.2.8); a HelloRetryRequest forced by the server's group
# (§4.1.4); RSA, ECDSA and Ed25519 server certificates verified for localhost (§4.4.2,
# §4.4.3); a client certificate (§4.3.2); ALPN (RFC 7301); KeyUpdate sent by the server, with
# and without update_requested (§4.6.3); and 64 MiB each way with matching SHA-256.
# shellcheck source-path=SCRIPTDIR source=tls13.bash
source "$(dirname "${BASH_SOURCE[0]}")/tls13.bash"

# ---- against openssl s_server ----

# vs_openssl NAME CERT [s_server options] -- [client options]: our client sends a line to a
# one-shot `openssl s_server -rev` (srv-NAME) with the CERT leaf and gets it back reversed,
# after a verified TLS 1.3 handshake.
vs_openssl()
{
    local name=$1
    local cert=$2
    local sopts=()
    shift 2
    while [ "$1" != -- ]; do
        sopts+=("$1")
        shift
    done
    shift
    port=$(free_port)
    start_bg "srv-$name" "$OPENSSL" s_server -rev -naccept 1 -tls1_3 -accept "127.0.0.1:$port" \
        -cert "$PKI/$cert.pem" -key "$PKI/$cert.key" "${sopts[@]}"
    wait_port "$port" "srv-$name"
    gls_client "$name" $'hello glasstls\n' "$@"
    [ "$RUN_STATUS" = 0 ] || fail "$name: our client exited $RUN_STATUS"
    expect_summary "$name" Protocol TLSv1.3
    expect_summary "$name" Verify ok
    expect_contains "$(out_of "$name")" "sltssalg olleh"
    wait_bg "srv-$name"
    [ "$RUN_STATUS" = 0 ] || fail "$name: s_server exited $RUN_STATUS"
    expect_contains "$(all_of "srv-$name")" "Protocol version: TLSv1.3"
}

for suite in "${TLS13_SUITES[@]}"; do
    vs_openssl "ossl-suite-$suite" server-rsa -ciphersuites "$suite" --
    expect_summary "ossl-suite-$suite" Cipher "$suite"
    expect_contains "$(all_of "srv-ossl-suite-$suite")" "Ciphersuite: $suite"
    vs_openssl "gls-suite-$suite" server-rsa -- --ciphers "$suite"
    expect_summary "gls-suite-$suite" Cipher "$suite"
    expect_contains "$(all_of "srv-gls-suite-$suite")" "Ciphersuite: $suite"
done
pass "openssl s_server: each TLS 1.3 suite, chosen by s_server's list and then by ours"

for group in "${TLS13_GROUPS[@]}"; do
    vs_openssl "ossl-group-$group" server-rsa -groups "$group" --
    expect_summary "ossl-group-$group" Group "$group"
    vs_openssl "gls-group-$group" server-rsa -- --groups "$group"
    expect_summary "gls-group-$group" Group "$group"
done
pass "openssl s_server: each group, chosen by s_server's list and then by ours"

for cert in "${SERVER_CERTS[@]}"; do
    vs_openssl "ossl-$cert" "$cert" -- --trace
    expect_summary "ossl-$cert" Signature "${GLS_SIGALG[$cert]}"
    expect_contains "$(err_of "ossl-$cert")" "peer certificate verified for localhost"
done
pass "openssl s_server: RSA, ECDSA and Ed25519 leaves verified for localhost"

# s_server accepts only secp384r1; our first key share is x25519, so it must ask again.
vs_openssl ossl-hrr server-rsa -groups secp384r1 -trace -- --groups x25519,secp384r1 --trace
expect_contains "$(err_of ossl-hrr)" "HelloRetryRequest: server wants a secp384r1 key share"
[ "$(count_of "$(err_of ossl-hrr)" "-> ClientHello")" = 2 ] || fail "ossl-hrr: not 2 ClientHellos"
expect_summary ossl-hrr Group secp384r1
expect_contains "$(all_of srv-ossl-hrr)" "$HRR_RANDOM_TRACE"
pass "openssl s_server: a HelloRetryRequest for secp384r1, answered with a second ClientHello"

vs_openssl ossl-client-cert server-rsa -Verify 1 -CAfile "$PKI/ca.pem" -- \
    --cert "$PKI/client.pem" --key "$PKI/client.key"
expect_contains "$(all_of srv-ossl-client-cert)" "Peer certificate: CN = glasstls test client"
expect_contains "$(all_of srv-ossl-client-cert)" "Verification: OK"
pass "openssl s_server -Verify 1: our client certificate is verified"

vs_openssl ossl-alpn server-rsa -alpn http/1.1 -- --alpn h2,http/1.1
expect_summary ossl-alpn ALPN http/1.1
expect_contains "$(all_of srv-ossl-alpn)" "ALPN protocols advertised by the client: h2, http/1.1"
expect_contains "$(all_of srv-ossl-alpn)" "ALPN protocols selected: http/1.1"
vs_openssl ossl-alpn-pref server-rsa -alpn h2,http/1.1 -- --alpn http/1.1,h2
expect_summary ossl-alpn-pref ALPN h2
vs_openssl ossl-alpn-none server-rsa -- --alpn h2
expect_summary ossl-alpn-none ALPN none
pass "openssl s_server: ALPN http/1.1 and h2 as the server picks them, none when it has none"

# ---- KeyUpdate from openssl s_server, both of us typed to ----

port=$(free_port)
talk ku-srv "$OPENSSL" s_server -msg -nbio -naccept 1 -tls1_3 -accept "127.0.0.1:$port" \
    -cert "$PKI/server-rsa.pem" -key "$PKI/server-rsa.key"
wait_port "$port" ku-srv
talk ku-cli "$GLS" client --trace --cafile "$PKI/ca.pem" --servername localhost \
    "127.0.0.1:$port"
wait_for ku-srv "CIPHER is TLS_AES_128_GCM_SHA256"
wait_for ku-cli "NewSessionTicket: kept for resumption"
# Our client must forward its stdin while the server is silent.
say ku-cli $'client line 1\n'
if seen_within ku-srv "client line 1" 3; then
    pass "our client sends stdin while the server is silent"
else
    defer_fail "BUG: after the server's NewSessionTickets, our client forwards no stdin until \
the server sends application data (gls_sock_read blocks in recv from tool/client.c pipe_data)" \
        "$(err_of ku-cli)"
fi
say ku-srv $'server line 1\n'
wait_for ku-cli "server line 1"
wait_for ku-srv "client line 1"
# 'K': KeyUpdate with update_requested (18 00 00 01 01); we must answer with
# update_not_requested (18 00 00 01 00), and the next data in each direction uses new keys.
say ku-srv $'K\n'
wait_for ku-srv "<<< TLS 1.3, Handshake [length 0005], KeyUpdate"
say ku-srv $'server line 2\n'
wait_for ku-cli "server line 2"
say ku-cli $'client line 2\n'
wait_for ku-srv "client line 2"
# 'k': update_not_requested; we update our receiving keys and send no KeyUpdate.
say ku-srv $'k\n'
wait_count ku-cli "<- KeyUpdate" 2
say ku-srv $'server line 3\n'
wait_for ku-cli "server line 3"
say ku-cli $'client line 3\n'
wait_for ku-srv "client line 3"
hang_up ku-cli
wait_bg ku-cli
[ "$RUN_STATUS" = 0 ] || fail "ku-cli exited $RUN_STATUS"
wait_bg ku-srv
[ "$RUN_STATUS" = 0 ] || fail "ku-srv exited $RUN_STATUS"
[ "$(count_of "$(all_of ku-srv)" ">>> TLS 1.3, Handshake [length 0005], KeyUpdate")" = 2 ] ||
    fail "ku-srv: s_server did not send 2 KeyUpdates"
[ "$(count_of "$(all_of ku-srv)" "<<< TLS 1.3, Handshake [length 0005], KeyUpdate")" = 1 ] ||
    fail "ku-srv: we did not answer exactly one KeyUpdate"
expect_contains "$(all_of ku-srv)" "18 00 00 01 01"
expect_contains "$(all_of ku-srv)" "18 00 00 01 00"
[ "$(count_of "$(err_of ku-cli)" "<- KeyUpdate")" = 2 ] || fail "ku-cli: not 2 KeyUpdates in"
[ "$(count_of "$(err_of ku-cli)" "-> KeyUpdate (update_not_requested)")" = 1 ] ||
    fail "ku-cli: not exactly one KeyUpdate out"
expect_contains "$(err_of ku-cli)" "secret s ap traffic N+1"
expect_contains "$(err_of ku-cli)" "secret c ap traffic N+1"
pass "openssl s_server KeyUpdate (requested, then not): answered once, data flows after each"

# ---- 64 MiB each way, checked at the far end ----

big=$GLS_TMP/big.bin
head -c 64M /dev/urandom >"$big"
big_size=$(stat -c %s "$big")
big_sha=$(sha256_of "$big")

# up: our client's stdin is the file; `s_server -quiet` writes what it receives to stdout.
port=$(free_port)
talk up-srv "$OPENSSL" s_server -quiet -naccept 1 -tls1_3 -accept "127.0.0.1:$port" \
    -cert "$PKI/server-rsa.pem" -key "$PKI/server-rsa.key"
wait_port "$port" up-srv
run_client_file up-cli "$big" "$GLS" client --quiet --cafile "$PKI/ca.pem" \
    --servername localhost "127.0.0.1:$port"
[ "$RUN_STATUS" = 0 ] || fail "up-cli exited $RUN_STATUS"
wait_bg up-srv
[ "$(sha256_of "$(out_of up-srv)")" = "$big_sha" ] || fail "s_server received other bytes"
rm -f "$(out_of up-srv)"
pass "64 MiB from our client to openssl s_server: SHA-256 matches"

# down: s_server's stdin is the file; our client writes what it receives to stdout. Without
# -nbio, s_server now and then blocks in SSL_read on a silent socket while its stdin still
# has data (seen about one run in six), so the transfer stalls.
ln -s "$big" "$GLS_TMP/down-srv.in"
port=$(free_port)
talk down-srv "$OPENSSL" s_server -quiet -nbio -naccept 1 -tls1_3 -accept "127.0.0.1:$port" \
    -cert "$PKI/server-ecdsa.pem" -key "$PKI/server-ecdsa.key" -ciphersuites \
    TLS_CHACHA20_POLY1305_SHA256
wait_port "$port" down-srv
talk down-cli "$GLS" client --quiet --cafile "$PKI/ca.pem" --servername localhost \
    "127.0.0.1:$port"
wait_size "$(out_of down-cli)" "$big_size"
hang_up down-cli
wait_bg down-cli
[ "$RUN_STATUS" = 0 ] || fail "down-cli exited $RUN_STATUS"
wait_bg down-srv
[ "$(sha256_of "$(out_of down-cli)")" = "$big_sha" ] || fail "our client received other bytes"
pass "64 MiB from openssl s_server to our client (ChaCha20-Poly1305): SHA-256 matches"
rm -f "$big" "$(out_of down-cli)"

# ---- against gnutls-serv ----

# vs_gnutls NAME CERT PRIORITY [gnutls-serv options] -- [client options]: our client sends a
# line to `gnutls-serv --echo` (srv-NAME, left running) with the CERT leaf and gets it back,
# after a verified TLS 1.3 handshake that gnutls-serv describes.
vs_gnutls()
{
    local name=$1
    local cert=$2
    local priority=$3
    local sopts=()
    shift 3
    while [ "$1" != -- ]; do
        sopts+=("$1")
        shift
    done
    shift
    port=$(free_port)
    start_bg "srv-$name" stdbuf -oL gnutls-serv --echo -p "$port" --x509certfile "$PKI/$cert.pem" \
        --x509keyfile "$PKI/$cert.key" --priority "$priority" "${sopts[@]}"
    wait_port "$port" "srv-$name"
    gls_client "$name" $'hello glasstls\n' "$@"
    [ "$RUN_STATUS" = 0 ] || fail "$name: our client exited $RUN_STATUS"
    expect_summary "$name" Protocol TLSv1.3
    expect_summary "$name" Verify ok
    expect_contains "$(out_of "$name")" "hello glasstls"
    wait_for "srv-$name" "- Description: (TLS1.3-X.509)-"
}

for suite in "${TLS13_SUITES[@]}"; do
    vs_gnutls "gnutls-suite-$suite" server-rsa "$(gnutls_suite "$suite")" --
    expect_summary "gnutls-suite-$suite" Cipher "$suite"
    expect_contains "$(all_of "srv-gnutls-suite-$suite")" "-(${GNUTLS_CIPHER[$suite]})"
    stop_bg "srv-gnutls-suite-$suite"
    vs_gnutls "gls-gsuite-$suite" server-rsa "$GNUTLS_TLS13" -- --ciphers "$suite"
    expect_summary "gls-gsuite-$suite" Cipher "$suite"
    expect_contains "$(all_of "srv-gls-gsuite-$suite")" "-(${GNUTLS_CIPHER[$suite]})"
    stop_bg "srv-gls-gsuite-$suite"
done
pass "gnutls-serv: each TLS 1.3 suite, chosen by gnutls's priority and then by ours"

for group in "${TLS13_GROUPS[@]}"; do
    vs_gnutls "gnutls-group-$group" server-rsa "$(gnutls_group "$group")" --
    expect_summary "gnutls-group-$group" Group "$group"
    expect_contains "$(all_of "srv-gnutls-group-$group")" "-(${GNUTLS_KX[$group]})-"
    stop_bg "srv-gnutls-group-$group"
    vs_gnutls "gls-ggroup-$group" server-rsa "$GNUTLS_TLS13" -- --groups "$group"
    expect_summary "gls-ggroup-$group" Group "$group"
    expect_contains "$(all_of "srv-gls-ggroup-$group")" "-(${GNUTLS_KX[$group]})-"
    stop_bg "srv-gls-ggroup-$group"
done
pass "gnutls-serv: each group, chosen by gnutls's priority and then by ours"

for cert in "${SERVER_CERTS[@]}"; do
    vs_gnutls "gnutls-$cert" "$cert" "$GNUTLS_TLS13" --
    expect_summary "gnutls-$cert" Signature "${GLS_SIGALG[$cert]}"
    expect_contains "$(all_of "srv-gnutls-$cert")" "-(${GNUTLS_SIG[$cert]})-"
    stop_bg "srv-gnutls-$cert"
done
pass "gnutls-serv: RSA, ECDSA and Ed25519 leaves verified for localhost"

vs_gnutls gnutls-hrr server-ecdsa "$(gnutls_group secp384r1)" -- --groups x25519,secp384r1 --trace
expect_contains "$(err_of gnutls-hrr)" "HelloRetryRequest: server wants a secp384r1 key share"
expect_summary gnutls-hrr Group secp384r1
stop_bg srv-gnutls-hrr
pass "gnutls-serv: a HelloRetryRequest for secp384r1"

vs_gnutls gnutls-client-cert server-rsa "$GNUTLS_TLS13" --require-client-cert \
    --verify-client-cert --x509cafile "$PKI/ca.pem" --alpn http/1.1 -- \
    --cert "$PKI/client.pem" --key "$PKI/client.key" --alpn h2,http/1.1
expect_contains "$(all_of srv-gnutls-client-cert)" "Subject: CN=glasstls test client"
expect_not_contains "$(all_of srv-gnutls-client-cert)" "certificate was NOT verified"
expect_contains "$(all_of srv-gnutls-client-cert)" "- Application protocol: http/1.1"
expect_summary gnutls-client-cert ALPN http/1.1
stop_bg srv-gnutls-client-cert
pass "gnutls-serv: our client certificate is verified; ALPN http/1.1"

# resumption by our client: --resume connects twice in one process; the second offers the
# ticket the first received (RFC 8446 §4.6.1, §4.2.11)
port=$(free_port)
start_bg srv-ossl-resume "$OPENSSL" s_server -www -naccept 2 -tls1_3 -accept "127.0.0.1:$port" \
    -cert "$PKI/server-ecdsa.pem" -key "$PKI/server-ecdsa.key"
wait_port "$port" srv-ossl-resume
gls_client ossl-resume "" --resume --get /
[ "$RUN_STATUS" = 0 ] || fail "ossl-resume: our client exited $RUN_STATUS"
expect_contains "$(err_of ossl-resume)" "Resumed   : yes"
expect_contains "$(out_of ossl-resume)" "Reused, TLSv1.3"
wait_bg srv-ossl-resume
pass "openssl s_server: our client resumes with the ticket it was given"

# KeyUpdate sent by our client, asking the server to update too (RFC 8446 §4.6.3)
port=$(free_port)
start_bg srv-ossl-ku "$OPENSSL" s_server -rev -naccept 1 -tls1_3 -msg -accept "127.0.0.1:$port" \
    -cert "$PKI/server-rsa.pem" -key "$PKI/server-rsa.key"
wait_port "$port" srv-ossl-ku
gls_client ossl-ku $'after our key update\n' --key-update
[ "$RUN_STATUS" = 0 ] || fail "ossl-ku: our client exited $RUN_STATUS"
expect_contains "$(out_of ossl-ku)" "etadpu yek ruo retfa"
wait_bg srv-ossl-ku
expect_contains "$(all_of srv-ossl-ku)" "KeyUpdate"
pass "openssl s_server: a KeyUpdate from our client, answered, data flows after it"
finish
