#!/usr/bin/env bash
# tests/interop/openssl_selfcheck.sh — checks the interop harness itself, with openssl on both
# sides and no glasstls yet: the PKI from make_pki is what it says (checked with openssl
# verify and x509), and openssl s_server/s_client run through start_bg/run_client complete
# verified TLS 1.3 handshakes and echo data, and refuse a wrong name, an expired leaf and an
# unknown CA. Later interop tests replace one side with glasstls, with the same helpers.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pki=$GLS_TMP/pki
make_pki "$pki"

# ---- the PKI ----

# verify_leaf NAME PURPOSE WANT: `openssl verify` of NAME.pem for PURPOSE against ca.pem says
# WANT.
verify_leaf()
{
    local run=verify-$1-$2
    run_client "$run" "" "$OPENSSL" verify -CAfile "$pki/ca.pem" -purpose "$2" "$pki/$1.pem"
    expect_contains "$(all_of "$run")" "$3"
}

for leaf in server-rsa server-ecdsa server-ed25519; do
    verify_leaf "$leaf" sslserver "$pki/$leaf.pem: OK"
done
verify_leaf client sslclient "$pki/client.pem: OK"
verify_leaf client sslserver "unsuitable certificate purpose"
verify_leaf expired sslserver "certificate has expired"
verify_leaf unknown-ca sslserver "unable to get local issuer certificate"
pass "make_pki: leaves verify against ca.pem as intended (client-only client, expired, unknown CA)"

# text_has NAME STRING: the certificate NAME.pem, as text, contains STRING.
text_has()
{
    "$OPENSSL" x509 -in "$pki/$1.pem" -noout -text >"$GLS_TMP/$1.txt"
    expect_contains "$GLS_TMP/$1.txt" "$2"
}

text_has ca "Public-Key: (2048 bit)"
text_has ca "CA:TRUE"
text_has server-rsa "Public-Key: (2048 bit)"
text_has server-rsa "DNS:localhost, IP Address:127.0.0.1"
text_has server-ecdsa "NIST CURVE: P-256"
text_has server-ecdsa "DNS:localhost, IP Address:127.0.0.1"
text_has server-ed25519 "Public Key Algorithm: ED25519"
text_has server-ed25519 "DNS:localhost, IP Address:127.0.0.1"
text_has client "TLS Web Client Authentication"
run_client enddate "" "$OPENSSL" x509 -in "$pki/server-rsa.pem" -noout -checkend $((29 * 86400))
[ "$RUN_STATUS" = 0 ] || fail "server-rsa.pem expires within 29 days"
run_client enddate2 "" "$OPENSSL" x509 -in "$pki/server-rsa.pem" -noout -checkend $((31 * 86400))
[ "$RUN_STATUS" != 0 ] || fail "server-rsa.pem is valid for more than 31 days"
pass "make_pki: key types, names and a 30-day validity"

# ---- TLS 1.3 between openssl s_server and s_client ----

# serve NAME CERT [s_server options]: a TLS 1.3 server on a fresh port ($port) for one
# connection, echoing each line reversed (-rev; a line "CLOSE" ends the connection).
serve()
{
    local name=$1
    local cert=$2
    shift 2
    port=$(free_port)
    start_bg "$name" "$OPENSSL" s_server -rev -naccept 1 -tls1_3 -accept "127.0.0.1:$port" \
        -cert "$pki/$cert.pem" -key "$pki/$cert.key" "$@"
    wait_port "$port" "$name"
}

# connect NAME [s_client options]: a TLS 1.3 client to $port trusting ca.pem that sends a line
# and then CLOSE.
connect()
{
    local name=$1
    shift
    run_client "$name" $'hello glasstls\nCLOSE\n' "$OPENSSL" s_client \
        -connect "127.0.0.1:$port" -servername localhost -tls1_3 -CAfile "$pki/ca.pem" \
        -verify_return_error -ign_eof "$@"
}

# The data made it both ways: the server's reversed echo of "hello glasstls".
expect_echo()
{
    expect_contains "$(out_of "$1")" "sltssalg olleh"
}

declare -A sigtype=([server-rsa]=RSA-PSS [server-ecdsa]=ECDSA [server-ed25519]=ed25519)
for cert in server-rsa server-ecdsa server-ed25519; do
    serve "srv-$cert" "$cert"
    connect "ok-$cert" -verify_hostname localhost
    [ "$RUN_STATUS" = 0 ] || fail "s_client with $cert exited $RUN_STATUS"
    expect_contains "$(all_of "ok-$cert")" "New, TLSv1.3"
    expect_contains "$(all_of "ok-$cert")" "Verification: OK"
    expect_contains "$(all_of "ok-$cert")" "Verified peername: localhost"
    expect_contains "$(all_of "ok-$cert")" "Verify return code: 0 (ok)"
    expect_contains "$(all_of "ok-$cert")" "Peer signature type: ${sigtype[$cert]}"
    expect_echo "ok-$cert"
    wait_bg "srv-$cert"
    [ "$RUN_STATUS" = 0 ] || fail "s_server with $cert exited $RUN_STATUS"
    expect_contains "$(all_of "srv-$cert")" "CONNECTION ESTABLISHED"
    expect_contains "$(all_of "srv-$cert")" "Protocol version: TLSv1.3"
    pass "TLS 1.3 with the $cert leaf: verified for localhost, data echoed"
done

serve srv-ip server-rsa
connect ok-ip -verify_ip 127.0.0.1
[ "$RUN_STATUS" = 0 ] || fail "s_client with -verify_ip exited $RUN_STATUS"
expect_contains "$(all_of ok-ip)" "Verify return code: 0 (ok)"
expect_echo ok-ip
wait_bg srv-ip
pass "TLS 1.3 verified for IP 127.0.0.1 (SAN)"

# refused NAME CERT WANT [s_client options]: the handshake with CERT fails, saying WANT, and
# no data flows.
refused()
{
    local name=$1
    local cert=$2
    local want=$3
    shift 3
    serve "srv-$name" "$cert"
    connect "$name" "$@"
    [ "$RUN_STATUS" != 0 ] || fail "$name: s_client succeeded"
    expect_contains "$(all_of "$name")" "$want"
    expect_not_contains "$(out_of "$name")" "sltssalg olleh"
    stop_bg "srv-$name"
}

refused wrong-name server-rsa "hostname mismatch" -verify_hostname other.example
pass "a wrong hostname (other.example) fails verification"
refused expired expired "certificate has expired" -verify_hostname localhost
pass "an expired leaf fails verification"
refused unknown-ca unknown-ca "unable to get local issuer certificate" -verify_hostname localhost
pass "a leaf from an unknown CA fails verification"

# ---- client certificates ----

serve srv-client-auth server-rsa -Verify 1 -CAfile "$pki/ca.pem"
connect client-auth -verify_hostname localhost -cert "$pki/client.pem" -key "$pki/client.key"
[ "$RUN_STATUS" = 0 ] || fail "s_client with a client certificate exited $RUN_STATUS"
expect_echo client-auth
wait_bg srv-client-auth
[ "$RUN_STATUS" = 0 ] || fail "s_server requiring a client certificate exited $RUN_STATUS"
expect_contains "$(all_of srv-client-auth)" "CN = glasstls test client"
pass "the client certificate is accepted by a server that requires one"

serve srv-no-client-cert server-rsa -Verify 1 -CAfile "$pki/ca.pem"
connect no-client-cert -verify_hostname localhost
expect_not_contains "$(out_of no-client-cert)" "sltssalg olleh"
wait_bg srv-no-client-cert
expect_contains "$(all_of srv-no-client-cert)" "peer did not return a certificate"
pass "a server that requires a client certificate refuses a client without one"
