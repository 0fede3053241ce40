#!/usr/bin/env bash
# tests/interop/tls12_client.sh — our client in TLS 1.2 against openssl s_server -tls1_2 and
# gnutls-serv: every key exchange (RSA, DHE, ECDHE on x25519, secp256r1 and secp384r1, with
# RSA and ECDSA certificates) with every suite family (AES-GCM, ChaCha20-Poly1305, AES-CBC
# with encrypt-then-MAC (RFC 7366) and without it (-no_etm on the peer)); each connection
# verifies the server, echoes data end to end and checks what our summary and the peer's trace
# say was negotiated. Then a 64 KiB transfer per family and client certificates (RFC 5246
# §7.4.6).
# shellcheck source-path=SCRIPTDIR source=tls12.bash
source "$(dirname "${BASH_SOURCE[0]}")/tls12.bash"

pki=$GLS_TMP/pki
make_pki "$pki"

declare -A iana=(
    [AES128-GCM-SHA256]=TLS_RSA_WITH_AES_128_GCM_SHA256
    [AES256-SHA256]=TLS_RSA_WITH_AES_256_CBC_SHA256
    [AES128-SHA]=TLS_RSA_WITH_AES_128_CBC_SHA
    [DHE-RSA-AES256-GCM-SHA384]=TLS_DHE_RSA_WITH_AES_256_GCM_SHA384
    [DHE-RSA-CHACHA20-POLY1305]=TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256
    [DHE-RSA-AES128-SHA256]=TLS_DHE_RSA_WITH_AES_128_CBC_SHA256
    [DHE-RSA-AES256-SHA]=TLS_DHE_RSA_WITH_AES_256_CBC_SHA
    [ECDHE-RSA-AES128-GCM-SHA256]=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
    [ECDHE-RSA-CHACHA20-POLY1305]=TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256
    [ECDHE-RSA-AES256-SHA384]=TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384
    [ECDHE-RSA-AES128-SHA]=TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA
    [ECDHE-ECDSA-AES256-GCM-SHA384]=TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
    [ECDHE-ECDSA-CHACHA20-POLY1305]=TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256
    [ECDHE-ECDSA-AES128-SHA256]=TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256
    [ECDHE-ECDSA-AES256-SHA]=TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA
)

# one_case KX GROUP CERT FAMILY CIPHER: s_server -tls1_2 with leaf CERT allows only CIPHER
# (and, for ECDHE, only GROUP); our client, limited to key exchange KX, must negotiate it,
# verify the server, and get its line back reversed. FAMILY is gcm, chacha, etm or noetm.
one_case()
{
    local kx=$1
    local group=$2
    local cert=$3
    local family=$4
    local cipher=$5
    local name=c-$kx-$group-$cert-$family
    local peer=(-tls1_2 -cert "$pki/$cert.pem" -key "$pki/$cert.key" -cipher "$cipher"
        -trace -msgfile "$GLS_TMP/$name.trace")
    [ "$group" = - ] || peer+=(-groups "$group")
    [ "$family" = noetm ] && peer+=(-no_etm)
    ossl_serve "s-$name" "${peer[@]}"
    gls_client "$name" --kx "$kx"
    [ "$RUN_STATUS" = 0 ] || fail "$name: our client exited $RUN_STATUS"
    summary_has "$name" "Protocol  : TLSv1.2"
    summary_has "$name" "Cipher    : ${iana[$cipher]}"
    summary_has "$name" "Verify    : ok"
    case $kx in
    rsa)
        summary_has "$name" "Group     : none (RSA key exchange)"
        summary_has "$name" "Forward secrecy: NO"
        ;;
    dhe) summary_has "$name" "Forward secrecy: yes" ;;
    ecdhe)
        summary_has "$name" "Group     : $group"
        summary_has "$name" "Forward secrecy: yes"
        ;;
    esac
    [ "$(cat "$(out_of "$name")")" = "sltssalg olleh" ] || fail "$name: echo differs"
    wait_bg "s-$name"
    [ "$RUN_STATUS" = 0 ] || fail "$name: s_server exited $RUN_STATUS"
    expect_contains "$(all_of "s-$name")" "Protocol version: TLSv1.2"
    expect_contains "$(all_of "s-$name")" "Ciphersuite: $cipher"
    local etm=no
    [ "$family" = etm ] && etm=yes
    expect_etm "$GLS_TMP/$name.trace" "$etm"
    pass "client $kx ${group/-/} $cert $family: $cipher, data echoed, EtM $etm"
}

one_case rsa - server-rsa gcm AES128-GCM-SHA256
one_case rsa - server-rsa etm AES256-SHA256
one_case rsa - server-rsa noetm AES128-SHA
pass "(RSA key exchange has no ChaCha20-Poly1305 suite)"
one_case dhe - server-rsa gcm DHE-RSA-AES256-GCM-SHA384
one_case dhe - server-rsa chacha DHE-RSA-CHACHA20-POLY1305
one_case dhe - server-rsa etm DHE-RSA-AES128-SHA256
one_case dhe - server-rsa noetm DHE-RSA-AES256-SHA
for group in x25519 secp256r1 secp384r1; do
    one_case ecdhe "$group" server-rsa gcm ECDHE-RSA-AES128-GCM-SHA256
    one_case ecdhe "$group" server-rsa chacha ECDHE-RSA-CHACHA20-POLY1305
    one_case ecdhe "$group" server-rsa etm ECDHE-RSA-AES256-SHA384
    one_case ecdhe "$group" server-rsa noetm ECDHE-RSA-AES128-SHA
    one_case ecdhe "$group" server-ecdsa gcm ECDHE-ECDSA-AES256-GCM-SHA384
    one_case ecdhe "$group" server-ecdsa chacha ECDHE-ECDSA-CHACHA20-POLY1305
    one_case ecdhe "$group" server-ecdsa etm ECDHE-ECDSA-AES128-SHA256
    one_case ecdhe "$group" server-ecdsa noetm ECDHE-ECDSA-AES256-SHA
done

# ---- 64 KiB each way, one connection per record protection ----

bulk_lines "$GLS_TMP/bulk.txt"
rev "$GLS_TMP/bulk.txt" >"$GLS_TMP/bulk.rev"
bulk_case()
{
    local family=$1
    local cipher=$2
    shift 2
    ossl_serve "s-bulk-$family" -tls1_2 -cert "$pki/server-rsa.pem" -key "$pki/server-rsa.key" \
        -cipher "$cipher" "$@"
    run_client "bulk-$family" "$(cat "$GLS_TMP/bulk.txt")"$'\nCLOSE\n' "$GLS" client \
        --cafile "$pki/ca.pem" --servername localhost --tls1.2 "127.0.0.1:$port"
    [ "$RUN_STATUS" = 0 ] || fail "bulk-$family: our client exited $RUN_STATUS"
    cmp -s "$(out_of "bulk-$family")" "$GLS_TMP/bulk.rev" || fail "bulk-$family: data differs"
    wait_bg "s-bulk-$family"
    rm -f "$(out_of "bulk-$family")" # 64 KiB would bury any later failure's logs
    pass "client $family: 64 KiB in 1024 lines came back reversed, byte for byte"
}
bulk_case gcm ECDHE-RSA-AES256-GCM-SHA384
bulk_case chacha ECDHE-RSA-CHACHA20-POLY1305
bulk_case etm ECDHE-RSA-AES128-SHA
bulk_case noetm DHE-RSA-AES256-SHA256 -no_etm

# ---- gnutls-serv ----

# gnutls_case NAME PRIORITY CERT WANT: gnutls-serv --echo limited to PRIORITY; our client
# negotiates the suite WANT and gets its data echoed.
gnutls_case()
{
    local name=$1
    local prio=$2
    local cert=$3
    local want=$4
    port=$(free_port)
    start_bg "gs-$name" gnutls-serv --echo --port "$port" --priority "$prio" \
        --x509certfile "$pki/$cert.pem" --x509keyfile "$pki/$cert.key"
    wait_port "$port" "gs-$name"
    run_client "$name" $'gnutls echo line\n' "$GLS" client --cafile "$pki/ca.pem" \
        --servername localhost "127.0.0.1:$port"
    [ "$RUN_STATUS" = 0 ] || fail "$name: our client exited $RUN_STATUS"
    summary_has "$name" "Protocol  : TLSv1.2"
    summary_has "$name" "Cipher    : $want"
    summary_has "$name" "Forward secrecy: yes"
    expect_contains "$(out_of "$name")" "gnutls echo line"
    stop_bg "gs-$name"
    pass "client vs gnutls-serv $name: $want, data echoed"
}

v12=NORMAL:-VERS-ALL:+VERS-TLS1.2
gnutls_case ecdhe-rsa "$v12:-KX-ALL:+ECDHE-RSA:-GROUP-ALL:+GROUP-X25519:-CIPHER-ALL:+AES-256-GCM" server-rsa \
    TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
summary_has ecdhe-rsa "Group     : x25519"
gnutls_case ecdhe-p384 "$v12:-KX-ALL:+ECDHE-RSA:-GROUP-ALL:+GROUP-SECP384R1:-CIPHER-ALL:+AES-128-GCM" \
    server-rsa TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
summary_has ecdhe-p384 "Group     : secp384r1"
gnutls_case ecdhe-ecdsa "$v12:-KX-ALL:+ECDHE-ECDSA:-GROUP-ALL:+GROUP-SECP256R1:-CIPHER-ALL:+AES-256-GCM" server-ecdsa \
    TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
summary_has ecdhe-ecdsa "Group     : secp256r1"
gnutls_case ecdhe-chacha "$v12:-KX-ALL:+ECDHE-RSA:-CIPHER-ALL:+CHACHA20-POLY1305" server-rsa \
    TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256
gnutls_case ecdhe-cbc "$v12:-KX-ALL:+ECDHE-RSA:-CIPHER-ALL:+AES-128-CBC:-MAC-ALL:+SHA1" \
    server-rsa TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA
gnutls_case dhe-rsa "$v12:-KX-ALL:+DHE-RSA:-GROUP-ALL:+GROUP-FFDHE2048:-CIPHER-ALL:+AES-256-GCM" server-rsa \
    TLS_DHE_RSA_WITH_AES_256_GCM_SHA384
summary_has dhe-rsa "Group     : ffdhe2048"
gnutls_case dhe-cbc "$v12:-KX-ALL:+DHE-RSA:-CIPHER-ALL:+AES-256-CBC:-MAC-ALL:+SHA256" \
    server-rsa TLS_DHE_RSA_WITH_AES_256_CBC_SHA256

# ---- client certificates ----

ossl_serve s-cauth -tls1_2 -cert "$pki/server-rsa.pem" -key "$pki/server-rsa.key" \
    -Verify 1 -CAfile "$pki/ca.pem"
gls_client cauth --tls1.2 --cert "$pki/client.pem" --key "$pki/client.key"
[ "$RUN_STATUS" = 0 ] || fail "cauth: our client exited $RUN_STATUS"
summary_has cauth "Protocol  : TLSv1.2"
[ "$(cat "$(out_of cauth)")" = "sltssalg olleh" ] || fail "cauth: echo differs"
wait_bg s-cauth
[ "$RUN_STATUS" = 0 ] || fail "s_server requiring a client certificate exited $RUN_STATUS"
expect_contains "$(all_of s-cauth)" "CN = glasstls test client"
expect_contains "$(all_of s-cauth)" "Protocol version: TLSv1.2"
pass "client certificate in TLS 1.2: s_server -Verify 1 accepts ours"

ossl_serve s-nocert -tls1_2 -cert "$pki/server-rsa.pem" -key "$pki/server-rsa.key" \
    -Verify 1 -CAfile "$pki/ca.pem"
gls_client nocert --tls1.2
[ "$RUN_STATUS" != 0 ] || fail "nocert: our client succeeded without the required certificate"
expect_not_contains "$(out_of nocert)" "sltssalg olleh"
expect_contains "$(err_of nocert)" "glasstls: handshake failed: "
wait_bg s-nocert
expect_contains "$(all_of s-nocert)" "peer did not return a certificate"
pass "TLS 1.2 without the client certificate s_server requires: refused on both sides"

port=$(free_port)
start_bg gs-cauth gnutls-serv --echo --port "$port" --require-client-cert --verify-client-cert \
    --x509cafile "$pki/ca.pem" --priority "NORMAL:-VERS-ALL:+VERS-TLS1.2" \
    --x509certfile "$pki/server-ecdsa.pem" --x509keyfile "$pki/server-ecdsa.key"
wait_port "$port" gs-cauth
run_client gcauth $'cert line\n' "$GLS" client --cafile "$pki/ca.pem" --servername localhost \
    --cert "$pki/client.pem" --key "$pki/client.key" "127.0.0.1:$port"
[ "$RUN_STATUS" = 0 ] || fail "gcauth: our client exited $RUN_STATUS"
summary_has gcauth "Protocol  : TLSv1.2"
expect_contains "$(out_of gcauth)" "cert line"
stop_bg gs-cauth
expect_contains "$(all_of gs-cauth)" "glasstls test client"
pass "client certificate in TLS 1.2: gnutls-serv --require-client-cert accepts ours"
