#!/usr/bin/env bash
# tests/interop/tls13_failures.sh — TLS 1.3 handshakes that must be refused, on 127.0.0.1 with
# openssl, gnutls and curl as the peer: our error names the cause, the peer reports the alert
# RFC 8446 §6.2 calls for, and no application data flows. Our client refuses a wrong name, an
# unknown CA and an expired leaf (§4.4.2.4) and reports a server that shares no group, no
# suite or wants a certificate it lacks (§4.1.1, §4.4.2.4); our server refuses a client that
# shares no version, group, suite or ALPN protocol (RFC 7301 §3.2), has no certificate, or an
# untrusted or expired one, and keeps serving afterwards.
# shellcheck source-path=SCRIPTDIR source=tls13.bash
source "$(dirname "${BASH_SOURCE[0]}")/tls13.bash"

# ---- our client refuses, or is refused by, openssl s_server ----

# ossl_refused NAME CERT [s_server options] -- [client options]: our client (with --trace and
# a line to send) fails against a one-shot `openssl s_server -rev` with the CERT leaf.
ossl_refused()
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
    gls_client "$name" $'hello glasstls\n' --trace "$@"
    [ "$RUN_STATUS" = 1 ] || fail "$name: our client exited $RUN_STATUS, not 1"
    expect_not_contains "$(out_of "$name")" "sltssalg olleh"
    wait_bg "srv-$name"
}

# Each failure our client detects in the server's certificate, and the alert s_server gets.
ossl_refused wrong-name server-rsa -- --servername other.example
expect_contains "$(err_of wrong-name)" "glasstls: handshake failed: cert_hostname:"
expect_contains "$(err_of wrong-name)" "hostname mismatch (wanted other.example)"
expect_contains "$(all_of srv-wrong-name)" "alert bad certificate"
expect_contains "$(all_of srv-wrong-name)" "SSL alert number 42"
pass "our client refuses a leaf for localhost as other.example; s_server gets bad_certificate"

ossl_refused unknown-ca unknown-ca --
expect_contains "$(err_of unknown-ca)" "glasstls: handshake failed: cert_untrusted:"
expect_contains "$(err_of unknown-ca)" "unable to get local issuer certificate"
expect_contains "$(all_of srv-unknown-ca)" "SSL alert number 48"
pass "our client refuses a leaf from an unknown CA; s_server gets unknown_ca"

ossl_refused expired expired --
expect_contains "$(err_of expired)" "glasstls: handshake failed: cert_expired:"
expect_contains "$(err_of expired)" "certificate has expired"
expect_contains "$(all_of srv-expired)" "SSL alert number 45"
pass "our client refuses an expired leaf; s_server gets certificate_expired"

# expect_alert_named NAME ALERT NUMBER: our client received fatal alert NUMBER and its error
# line names it (as "ALERT", e.g. handshake_failure, or with a space for the underscore).
expect_alert_named()
{
    local line
    expect_contains "$(err_of "$1")" "<- alert $3 level 2"
    expect_contains "$(err_of "$1")" "glasstls: handshake failed: peer_alert:"
    line=$(grep -F "glasstls: handshake failed:" "$(err_of "$1")" | head -n 1)
    if ! grep -qiE -- "${2//_/[_ ]}|alert $3\\b|\\($3\\)" <<<"$line"; then
        defer_fail "BUG: our client's error does not say which alert the server sent \
($2, $3): '$line'"
    fi
}

# The server accepts only secp384r1, we offer only x25519: it must refuse (no HRR can help).
ossl_refused no-group server-rsa -groups secp384r1 -- --groups x25519
expect_alert_named no-group handshake_failure 40
expect_contains "$(all_of srv-no-group)" "no suitable key share"
pass "no group in common with s_server: its handshake_failure (40) reaches us"

ossl_refused no-suite server-rsa -ciphersuites TLS_AES_256_GCM_SHA384 -- \
    --ciphers TLS_AES_128_GCM_SHA256
expect_alert_named no-suite handshake_failure 40
expect_contains "$(all_of srv-no-suite)" "no shared cipher"
pass "no suite in common with s_server: its handshake_failure (40) reaches us"

# s_server -Verify 1 and no certificate from us: in TLS 1.3 our handshake is over when the
# server decides, so the alert comes after it. No input: we close at once and read the alert.
port=$(free_port)
start_bg srv-no-cert "$OPENSSL" s_server -rev -naccept 1 -tls1_3 -accept "127.0.0.1:$port" \
    -cert "$PKI/server-rsa.pem" -key "$PKI/server-rsa.key" -Verify 1 -CAfile "$PKI/ca.pem"
wait_port "$port" srv-no-cert
gls_client no-cert "" --trace
[ "$RUN_STATUS" = 1 ] || fail "no-cert: our client exited $RUN_STATUS, not 1"
expect_contains "$(err_of no-cert)" "<- alert 116 level 2"
line=$(grep -F "glasstls: " "$(err_of no-cert)" | tail -n 1)
grep -qiE "certificate[_ ]required|alert 116|\\(116\\)" <<<"$line" ||
    defer_fail "BUG: our client's error does not say which alert the server sent \
(certificate_required, 116): '$line'"
wait_bg srv-no-cert
expect_contains "$(all_of srv-no-cert)" "peer did not return a certificate"
pass "s_server -Verify 1 and no client certificate: certificate_required reaches us"

# ---- our client against gnutls-serv ----

port=$(free_port)
start_bg srv-gnutls stdbuf -oL gnutls-serv --echo -p "$port" --x509certfile "$PKI/unknown-ca.pem" \
    --x509keyfile "$PKI/unknown-ca.key" --priority "$(gnutls_group secp384r1)"
wait_port "$port" srv-gnutls
gls_client gnutls-unknown-ca $'hello glasstls\n'
[ "$RUN_STATUS" = 1 ] || fail "gnutls-unknown-ca: our client exited $RUN_STATUS, not 1"
expect_contains "$(err_of gnutls-unknown-ca)" "glasstls: handshake failed: cert_untrusted:"
wait_for srv-gnutls "* Received alert '48': CA is unknown."
gls_client gnutls-no-group $'hello glasstls\n' --trace --groups x25519,secp256r1
[ "$RUN_STATUS" = 1 ] || fail "gnutls-no-group: our client exited $RUN_STATUS, not 1"
expect_alert_named gnutls-no-group handshake_failure 40
wait_for srv-gnutls "No common key share with peer"
stop_bg srv-gnutls
pass "gnutls-serv: an unknown CA is refused (unknown_ca sent); its handshake_failure reaches us"

# ---- our server refuses ----

# ossl_refused_by_us NAME WANT [s_client options]: s_client fails against our server at
# $port, printing WANT (the alert), and no data comes back. (-ign_eof: s_client waits for
# our verdict, which in TLS 1.3 comes after its side of the handshake is done.)
ossl_refused_by_us()
{
    local name=$1
    local want=$2
    shift 2
    run_client "$name" $'hello glasstls\n' "$OPENSSL" s_client -connect "127.0.0.1:$port" \
        -servername localhost -CAfile "$PKI/ca.pem" -verify_return_error -ign_eof "$@"
    [ "$RUN_STATUS" != 0 ] || fail "$name: s_client succeeded"
    expect_contains "$(all_of "$name")" "$want"
    expect_not_contains "$(out_of "$name")" "hello glasstls"
}

# ossl_echoes NAME [s_client options]: s_client, typed to, gets a line back from our echo
# server at $port.
ossl_echoes()
{
    local name=$1
    shift
    talk "$name" "$OPENSSL" s_client -connect "127.0.0.1:$port" -servername localhost \
        -CAfile "$PKI/ca.pem" -verify_return_error "$@"
    say "$name" $'hello glasstls\n'
    wait_for "$name" "hello glasstls"
    hang_up "$name"
    wait_bg "$name"
    [ "$RUN_STATUS" = 0 ] || fail "$name: s_client exited $RUN_STATUS"
}

# expect_refusal SERVER COUNT ERROR: our SERVER has logged COUNT refusals, the last one naming
# ERROR ("glasstls server: handshake failed: ERROR: ...").
expect_refusal()
{
    wait_count "$1" "glasstls server: handshake failed:" "$2"
    local last
    last=$(grep -F "glasstls server: handshake failed:" "$(err_of "$1")" | tail -n 1)
    [[ $last == "glasstls server: handshake failed: $3: "* ]] ||
        fail "$1: last refusal is '$last', not $3"
}

gls_server strict --echo --tls1.3 --groups secp384r1 --ciphers TLS_AES_256_GCM_SHA384 \
    --alpn h2 --cert "$PKI/server-rsa.pem" --key "$PKI/server-rsa.key"
ossl_refused_by_us old-version "SSL alert number 70" -tls1_2
expect_refusal strict 1 no_shared_version
ossl_refused_by_us our-no-group "SSL alert number 40" -groups x25519:secp256r1
expect_contains "$(all_of our-no-group)" "alert handshake failure"
expect_refusal strict 2 no_shared_group
ossl_refused_by_us our-no-suite "SSL alert number 40" \
    -ciphersuites TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256
expect_refusal strict 3 no_shared_suite
ossl_refused_by_us our-no-alpn "SSL alert number 120" -alpn http/1.1
expect_contains "$(all_of our-no-alpn)" "alert no application protocol"
expect_refusal strict 4 no_application_protocol
run_client gnutls-our-no-group "" gnutls-cli --x509cafile "$PKI/ca.pem" -p "$port" \
    --priority "$(gnutls_group x25519)" localhost
[ "$RUN_STATUS" != 0 ] || fail "gnutls-our-no-group: gnutls-cli succeeded"
expect_contains "$(all_of gnutls-our-no-group)" "Received alert [40]: Handshake failed"
expect_refusal strict 5 no_shared_group
# still serving: a client that fits
ossl_echoes strict-ok -alpn h2
expect_contains "$(all_of strict-ok)" "Server Temp Key: ECDH, secp384r1, 384 bits"
stop_bg strict
pass "our server refuses no shared version (70), group (40), suite (40), ALPN (120), and serves on"

gls_server auth --echo --verify-client --cafile "$PKI/ca.pem" --cert "$PKI/server-rsa.pem" \
    --key "$PKI/server-rsa.key"
ossl_refused_by_us auth-none "SSL alert number 116" -tls1_3
expect_contains "$(all_of auth-none)" "alert certificate required"
expect_refusal auth 1 cert_required
ossl_refused_by_us auth-unknown "SSL alert number 48" -tls1_3 \
    -cert "$PKI/unknown-ca.pem" -key "$PKI/unknown-ca.key"
expect_refusal auth 2 cert_untrusted
ossl_refused_by_us auth-expired "SSL alert number 45" -tls1_3 \
    -cert "$PKI/expired-client.pem" -key "$PKI/expired-client.key"
expect_refusal auth 3 cert_expired
# a server-only certificate (extendedKeyUsage serverAuth) is not a client certificate
ossl_refused_by_us auth-purpose "SSL alert number 43" -tls1_3 \
    -cert "$PKI/server-rsa.pem" -key "$PKI/server-rsa.key"
expect_refusal auth 4 cert_usage
run_client gnutls-auth-none "" gnutls-cli --x509cafile "$PKI/ca.pem" -p "$port" \
    --priority "$GNUTLS_TLS13" localhost
[ "$RUN_STATUS" != 0 ] || fail "gnutls-auth-none: gnutls-cli succeeded"
expect_contains "$(all_of gnutls-auth-none)" "Received alert [116]: Certificate is required"
expect_refusal auth 5 cert_required
run_client curl-auth-none "" curl -sS --http1.1 --cacert "$PKI/ca.pem" \
    --resolve "localhost:$port:127.0.0.1" "https://localhost:$port/"
[ "$RUN_STATUS" != 0 ] || fail "curl-auth-none: curl succeeded"
expect_contains "$(all_of curl-auth-none)" "alert certificate required"
expect_refusal auth 6 cert_required
ossl_echoes auth-ok -cert "$PKI/client.pem" -key "$PKI/client.key"
stop_bg auth
pass "--verify-client refuses no certificate (116), an unknown CA (48), an expired one (45), a server-only one (43)"
finish
