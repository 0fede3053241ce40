#!/usr/bin/env bash
# tests/interop/tls13_server.sh — openssl s_client, gnutls-cli and curl against the glasstls
# server, TLS 1.3 on 127.0.0.1: each suite and each group, restricted by the peer and then by
# us (RFC 8446 §4.1.1, §4.2.7, §4.2.8); a HelloRetryRequest we send for our group (§4.1.4);
# RSA, ECDSA and Ed25519 certificates, and the choice between two by signature algorithm
# (§4.2.3, §4.4.2); resumption with our tickets (§4.6.1, §2.2); client certificates (§4.3.2);
# ALPN (RFC 7301); KeyUpdate sent by the peer (§4.6.3); and 64 MiB echoed back intact. Most
# checks read the page our --www server writes about the connection, as the peer received it.
# shellcheck source-path=SCRIPTDIR source=tls13.bash
source "$(dirname "${BASH_SOURCE[0]}")/tls13.bash"

GET=$'GET / HTTP/1.0\r\n\r\n'

# expect_page NAME FIELD VALUE: the page our --www server sent to NAME says "FIELD : VALUE"
# (FIELD padded to 15 columns, as in 'Cipher suite   : TLS_AES_128_GCM_SHA256').
expect_page()
{
    expect_contains "$(out_of "$1")" "$(printf '%-15s: %s' "$2" "$3")"
}

# ossl_get NAME [s_client options]: openssl s_client fetches our page at $port, verifying the
# name localhost against the test CA.
ossl_get()
{
    local name=$1
    shift
    run_client "$name" "$GET" "$OPENSSL" s_client -connect "127.0.0.1:$port" -servername localhost \
        -tls1_3 -CAfile "$PKI/ca.pem" -verify_hostname localhost -verify_return_error -ign_eof "$@"
    [ "$RUN_STATUS" = 0 ] || fail "$name: s_client exited $RUN_STATUS"
    expect_contains "$(all_of "$name")" "Verify return code: 0 (ok)"
    expect_page "$name" Protocol TLSv1.3
}

# gnutls_get NAME PRIORITY [gnutls-cli options]: gnutls-cli fetches our page at $port,
# verifying localhost against the test CA.
gnutls_get()
{
    local name=$1
    local priority=$2
    shift 2
    run_client "$name" "$GET" gnutls-cli --x509cafile "$PKI/ca.pem" -p "$port" \
        --priority "$priority" "$@" localhost
    [ "$RUN_STATUS" = 0 ] || fail "$name: gnutls-cli exited $RUN_STATUS"
    expect_contains "$(all_of "$name")" "- Status: The certificate is trusted."
    expect_contains "$(all_of "$name")" "- Description: (TLS1.3-X.509)-"
    expect_page "$name" Protocol TLSv1.3
}

# curl_get NAME [curl options] [URL...]: curl fetches our page (or the URLs) over HTTP/1.1,
# with localhost resolved to 127.0.0.1 and the test CA.
curl_get()
{
    local name=$1
    shift
    if [ $# = 0 ] || [[ ${*: -1} != https://* ]]; then
        set -- "$@" "https://localhost:$port/"
    fi
    run_client "$name" "" curl -sS -v --http1.1 --tlsv1.3 --cacert "$PKI/ca.pem" \
        --resolve "localhost:$port:127.0.0.1" "$@"
    [ "$RUN_STATUS" = 0 ] || fail "$name: curl exited $RUN_STATUS"
    expect_contains "$(err_of "$name")" "SSL certificate verify ok."
    expect_page "$name" Protocol TLSv1.3
}

# ---- suites and groups, the peer restricting ----

gls_server www --cert "$PKI/server-rsa.pem" --key "$PKI/server-rsa.key"
for suite in "${TLS13_SUITES[@]}"; do
    ossl_get "ossl-suite-$suite" -ciphersuites "$suite"
    expect_page "ossl-suite-$suite" "Cipher suite" "$suite"
    expect_contains "$(all_of "ossl-suite-$suite")" "New, TLSv1.3, Cipher is $suite"
    gnutls_get "gnutls-suite-$suite" "$(gnutls_suite "$suite")"
    expect_page "gnutls-suite-$suite" "Cipher suite" "$suite"
    expect_contains "$(all_of "gnutls-suite-$suite")" "-(${GNUTLS_CIPHER[$suite]})"
    curl_get "curl-suite-$suite" --tls13-ciphers "$suite"
    expect_page "curl-suite-$suite" "Cipher suite" "$suite"
    expect_contains "$(err_of "curl-suite-$suite")" "SSL connection using TLSv1.3 / $suite"
done
pass "s_client, gnutls-cli, curl: each TLS 1.3 suite, chosen by the peer's list"

for group in "${TLS13_GROUPS[@]}"; do
    ossl_get "ossl-group-$group" -groups "$group"
    expect_page "ossl-group-$group" "Key exchange" "$group"
    expect_contains "$(all_of "ossl-group-$group")" "Server Temp Key: ${OPENSSL_TEMP_KEY[$group]}"
    gnutls_get "gnutls-group-$group" "$(gnutls_group "$group")"
    expect_page "gnutls-group-$group" "Key exchange" "$group"
    expect_contains "$(all_of "gnutls-group-$group")" "-(${GNUTLS_KX[$group]})-"
    curl_get "curl-group-$group" --curves "$group"
    expect_page "curl-group-$group" "Key exchange" "$group"
done
pass "s_client, gnutls-cli, curl: each group, chosen by the peer's list"

# ---- resumption with our tickets, on the same server ----

ossl_get ossl-full -sess_out "$GLS_TMP/ossl.sess"
expect_contains "$(all_of ossl-full)" "New, TLSv1.3"
expect_page ossl-full Resumed no
ossl_get ossl-resumed -sess_in "$GLS_TMP/ossl.sess"
expect_contains "$(all_of ossl-resumed)" "Reused, TLSv1.3"
expect_page ossl-resumed Resumed yes
expect_page ossl-resumed "Forward secret" yes
expect_page ossl-resumed "Key exchange" x25519
pass "s_client -sess_out/-sess_in: resumed with our ticket (psk_dhe_ke)"

gnutls_get gnutls-resume "$GNUTLS_TLS13" --resume
expect_contains "$(all_of gnutls-resume)" "*** This is a resumed session"
expect_page gnutls-resume Resumed yes
pass "gnutls-cli --resume: resumed with our ticket"

curl_get curl-resume "https://localhost:$port/first" "https://localhost:$port/second"
[ "$(count_of "$(out_of curl-resume)" "$(printf '%-15s: %s' Resumed no)")" = 1 ] ||
    fail "curl-resume: not one full handshake"
expect_page curl-resume Resumed yes
pass "curl: the second connection resumes the first's session"
stop_bg www

# ---- suites and groups, us restricting ----

for suite in "${TLS13_SUITES[@]}"; do
    gls_server "www-suite-$suite" --cert "$PKI/server-ecdsa.pem" --key "$PKI/server-ecdsa.key" \
        --ciphers "$suite"
    ossl_get "ossl-our-suite-$suite"
    expect_page "ossl-our-suite-$suite" "Cipher suite" "$suite"
    gnutls_get "gnutls-our-suite-$suite" "$GNUTLS_TLS13"
    expect_page "gnutls-our-suite-$suite" "Cipher suite" "$suite"
    curl_get "curl-our-suite-$suite"
    expect_page "curl-our-suite-$suite" "Cipher suite" "$suite"
    stop_bg "www-suite-$suite"
done
pass "s_client, gnutls-cli, curl: each TLS 1.3 suite, chosen by our list"

for group in "${TLS13_GROUPS[@]}"; do
    gls_server "www-group-$group" --cert "$PKI/server-ecdsa.pem" --key "$PKI/server-ecdsa.key" \
        --groups "$group"
    ossl_get "ossl-our-group-$group"
    expect_page "ossl-our-group-$group" "Key exchange" "$group"
    gnutls_get "gnutls-our-group-$group" "$GNUTLS_TLS13"
    expect_page "gnutls-our-group-$group" "Key exchange" "$group"
    curl_get "curl-our-group-$group"
    expect_page "curl-our-group-$group" "Key exchange" "$group"
    if [ "$group" = secp384r1 ]; then
        # s_client's only key share is x25519: we must send a HelloRetryRequest.
        ossl_get ossl-hrr -trace
        expect_contains "$(all_of ossl-hrr)" "$HRR_RANDOM_TRACE"
        [ "$(count_of "$(all_of ossl-hrr)" "ClientHello, Length=")" = 2 ] ||
            fail "ossl-hrr: not 2 ClientHellos"
        expect_page ossl-hrr "Key exchange" secp384r1
    fi
    stop_bg "www-group-$group"
done
pass "s_client, gnutls-cli, curl: each group, chosen by our list"
pass "s_client -trace: our HelloRetryRequest for secp384r1, then a second ClientHello"

# ---- certificates ----

for cert in "${SERVER_CERTS[@]}"; do
    gls_server "www-$cert" --cert "$PKI/$cert.pem" --key "$PKI/$cert.key"
    ossl_get "ossl-$cert"
    expect_contains "$(all_of "ossl-$cert")" "Peer signature type: ${OPENSSL_SIGTYPE[$cert]}"
    expect_contains "$(all_of "ossl-$cert")" "Verified peername: localhost"
    gnutls_get "gnutls-$cert" "$GNUTLS_TLS13"
    expect_contains "$(all_of "gnutls-$cert")" "-(${GNUTLS_SIG[$cert]})-"
    curl_get "curl-$cert"
    stop_bg "www-$cert"
done
pass "s_client, gnutls-cli, curl: RSA, ECDSA and Ed25519 leaves verified for localhost"

gls_server www-two --cert "$PKI/server-rsa.pem" --key "$PKI/server-rsa.key" \
    --cert "$PKI/server-ecdsa.pem" --key "$PKI/server-ecdsa.key"
ossl_get ossl-two-ecdsa -sigalgs ecdsa_secp256r1_sha256
expect_contains "$(all_of ossl-two-ecdsa)" "Peer signature type: ECDSA"
ossl_get ossl-two-rsa -sigalgs rsa_pss_rsae_sha256
expect_contains "$(all_of ossl-two-rsa)" "Peer signature type: RSA-PSS"
stop_bg www-two
pass "with an RSA and an ECDSA leaf, we sign with the one the client's signature_algorithms allow"

# ---- client certificates ----

gls_server www-auth --verify-client --cafile "$PKI/ca.pem" --cert "$PKI/server-rsa.pem" \
    --key "$PKI/server-rsa.key"
ossl_get ossl-auth -cert "$PKI/client.pem" -key "$PKI/client.key"
gnutls_get gnutls-auth "$GNUTLS_TLS13" --x509certfile "$PKI/client.pem" \
    --x509keyfile "$PKI/client.key"
curl_get curl-auth --cert "$PKI/client.pem" --key "$PKI/client.key"
stop_bg www-auth
expect_not_contains "$(all_of www-auth)" "handshake failed"
pass "--verify-client: s_client, gnutls-cli and curl with the test client certificate"

# ---- ALPN ----

gls_server www-alpn --alpn h2,http/1.1 --cert "$PKI/server-rsa.pem" --key "$PKI/server-rsa.key"
ossl_get ossl-alpn -alpn http/1.1
expect_contains "$(all_of ossl-alpn)" "ALPN protocol: http/1.1"
expect_page ossl-alpn ALPN http/1.1
ossl_get ossl-alpn-pref -alpn http/1.1,h2 # --www speaks HTTP/1.1 only: never h2
expect_contains "$(all_of ossl-alpn-pref)" "ALPN protocol: http/1.1"
expect_contains "$(err_of www-alpn)" "--www speaks only http/1.1: not offering 'h2'"
ossl_get ossl-alpn-none
expect_contains "$(all_of ossl-alpn-none)" "No ALPN negotiated"
expect_page ossl-alpn-none ALPN none
gnutls_get gnutls-alpn "$GNUTLS_TLS13" --alpn http/1.1
expect_contains "$(all_of gnutls-alpn)" "- Application protocol: http/1.1"
curl_get curl-alpn
expect_contains "$(err_of curl-alpn)" "ALPN: server accepted http/1.1"
expect_page curl-alpn ALPN http/1.1
stop_bg www-alpn
pass "ALPN: http/1.1 or h2 by our preference among the client's; none without the extension"

# ---- KeyUpdate from the peer, our server echoing ----

gls_server echo --echo --cert "$PKI/server-rsa.pem" --key "$PKI/server-rsa.key"
talk ku-ossl "$OPENSSL" s_client -msg -connect "127.0.0.1:$port" -servername localhost -tls1_3 \
    -CAfile "$PKI/ca.pem" -verify_hostname localhost -verify_return_error
say ku-ossl $'echo line 1\n'
wait_for ku-ossl "echo line 1"
# 'K': update_requested (18 00 00 01 01); we answer update_not_requested (18 00 00 01 00).
say ku-ossl $'K\n'
wait_for ku-ossl "<<< TLS 1.3, Handshake [length 0005], KeyUpdate"
say ku-ossl $'echo line 2\n'
wait_for ku-ossl "echo line 2"
# 'k': update_not_requested; we must not answer. (s_client takes a whole read of its stdin as
# the command, so the next line waits until the KeyUpdate is out.)
say ku-ossl $'k\n'
wait_count ku-ossl ">>> TLS 1.3, Handshake [length 0005], KeyUpdate" 2
say ku-ossl $'echo line 3\n'
wait_for ku-ossl "echo line 3"
hang_up ku-ossl
wait_bg ku-ossl
[ "$RUN_STATUS" = 0 ] || fail "ku-ossl exited $RUN_STATUS"
[ "$(count_of "$(all_of ku-ossl)" "<<< TLS 1.3, Handshake [length 0005], KeyUpdate")" = 1 ] ||
    fail "ku-ossl: we did not answer exactly one KeyUpdate"
expect_contains "$(all_of ku-ossl)" "18 00 00 01 01"
expect_contains "$(all_of ku-ossl)" "18 00 00 01 00"
pass "s_client KeyUpdate (requested, then not): answered once, echo works after each"

# gnutls-cli ^rekey^: KeyUpdate with update_requested; its debug log shows ours coming back.
talk ku-gnutls gnutls-cli -d 4 --inline-commands --x509cafile "$PKI/ca.pem" -p "$port" \
    --priority "$(gnutls_suite TLS_AES_256_GCM_SHA384)" localhost
say ku-gnutls $'echo line 1\n'
wait_for ku-gnutls "echo line 1"
say ku-gnutls $'^rekey^\n'
wait_for ku-gnutls "- Rekey was completed"
say ku-gnutls $'echo line 2\n'
wait_for ku-gnutls "echo line 2"
hang_up ku-gnutls
wait_bg ku-gnutls
[ "$RUN_STATUS" = 0 ] || fail "ku-gnutls exited $RUN_STATUS"
expect_contains "$(all_of ku-gnutls)" "sending key update (1)"
expect_contains "$(all_of ku-gnutls)" "received TLS 1.3 key update (0)"
pass "gnutls-cli ^rekey^ (AES-256-GCM): our KeyUpdate answer, echo works after it"

# ---- 64 MiB through our echo server and back ----

big=$GLS_TMP/big.bin
head -c 64M /dev/urandom >"$big"
ln -s "$big" "$GLS_TMP/big-ossl.in"
# -quiet: only the data on stdout (and s_client ignores the end of its input).
talk big-ossl "$OPENSSL" s_client -quiet -connect "127.0.0.1:$port" -servername localhost \
    -tls1_3 -CAfile "$PKI/ca.pem" -verify_hostname localhost -verify_return_error
wait_size "$(out_of big-ossl)" "$(stat -c %s "$big")"
[ "$(sha256_of "$(out_of big-ossl)")" = "$(sha256_of "$big")" ] ||
    fail "s_client got back other bytes"
stop_bg big-ossl
rm -f "$big" "$(out_of big-ossl)"
stop_bg echo
expect_not_contains "$(all_of echo)" "handshake failed"
pass "64 MiB from s_client through our echo server and back: SHA-256 matches"
finish
