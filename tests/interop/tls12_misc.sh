#!/usr/bin/env bash
# tests/interop/tls12_misc.sh — TLS 1.2 behaviour beyond the suite matrix, against openssl:
# our default ClientHello gets TLS 1.3 from a 1.3 server and 1.2 from a 1.2-only one; our
# NSS key log matches the one s_server writes (CLIENT_RANDOM for 1.2, the traffic secrets for
# 1.3); renegotiation is refused both ways (RFC 5746 §4.2, §4.4; RFC 5246 §7.2.2: a client's
# ClientHello and a HelloRequest each get a warning no_renegotiation); TLS 1.2 resumption by ticket
# (RFC 5077) and by session id, both roles; and no resumption without the extended master
# secret (RFC 7627 §5.3).
# shellcheck source-path=SCRIPTDIR source=tls12.bash
source "$(dirname "${BASH_SOURCE[0]}")/tls12.bash"

pki=$GLS_TMP/pki
make_pki "$pki"
rsa_leaf=(-cert "$pki/server-rsa.pem" -key "$pki/server-rsa.key")

# ---- one ClientHello, two versions ----

ossl_serve s-v13 "${rsa_leaf[@]}"
gls_client v13
[ "$RUN_STATUS" = 0 ] || fail "v13: our client exited $RUN_STATUS"
summary_has v13 "Protocol  : TLSv1.3"
[ "$(cat "$(out_of v13)")" = "sltssalg olleh" ] || fail "v13: echo differs"
wait_bg s-v13
expect_contains "$(all_of s-v13)" "Protocol version: TLSv1.3"
ossl_serve s-v12 "${rsa_leaf[@]}" -tls1_2
gls_client v12
[ "$RUN_STATUS" = 0 ] || fail "v12: our client exited $RUN_STATUS"
summary_has v12 "Protocol  : TLSv1.2"
summary_has v12 "Forward secrecy: yes"
[ "$(cat "$(out_of v12)")" = "sltssalg olleh" ] || fail "v12: echo differs"
wait_bg s-v12
expect_contains "$(all_of s-v12)" "Protocol version: TLSv1.2"
pass "the default client gets TLSv1.3 from a 1.3 server and TLSv1.2 from s_server -tls1_2"

# ---- key logs ----

# same_lines LABEL A B: the lines starting with LABEL are present in both files and identical.
same_lines()
{
    grep "^$1 " "$2" | sort >"$2.$1" || fail "no $1 line in ${2##*/}"
    grep "^$1 " "$3" | sort >"$3.$1" || fail "no $1 line in ${3##*/}"
    cmp -s "$2.$1" "$3.$1" || fail "$1 lines differ between ${2##*/} and ${3##*/}"
}

ossl_serve s-kl12 "${rsa_leaf[@]}" -tls1_2 -keylogfile "$GLS_TMP/ossl12.keys"
gls_client kl12 --keylog "$GLS_TMP/ours12.keys"
[ "$RUN_STATUS" = 0 ] || fail "kl12: our client exited $RUN_STATUS"
wait_bg s-kl12
same_lines CLIENT_RANDOM "$GLS_TMP/ours12.keys" "$GLS_TMP/ossl12.keys"
[ "$(wc -l <"$GLS_TMP/ours12.keys.CLIENT_RANDOM")" = 1 ] || fail "kl12: not one CLIENT_RANDOM"
pass "TLS 1.2 key log: our CLIENT_RANDOM line equals s_server's"

ossl_serve s-kl13 "${rsa_leaf[@]}" -tls1_3 -keylogfile "$GLS_TMP/ossl13.keys"
gls_client kl13 --keylog "$GLS_TMP/ours13.keys"
[ "$RUN_STATUS" = 0 ] || fail "kl13: our client exited $RUN_STATUS"
wait_bg s-kl13
for label in CLIENT_HANDSHAKE_TRAFFIC_SECRET SERVER_HANDSHAKE_TRAFFIC_SECRET \
    CLIENT_TRAFFIC_SECRET_0 SERVER_TRAFFIC_SECRET_0; do
    same_lines "$label" "$GLS_TMP/ours13.keys" "$GLS_TMP/ossl13.keys"
done
pass "TLS 1.3 key log: our handshake and traffic secrets equal s_server's"

gls_serve g-kl12 --cert "$pki/server-rsa.pem" --key "$pki/server-rsa.key" --tls1.2 \
    --keylog "$GLS_TMP/srv12.keys"
talk skl12 ping-skl12 "$OPENSSL" s_client -connect "127.0.0.1:$port" -tls1_2 \
    -CAfile "$pki/ca.pem" -keylogfile "$GLS_TMP/cli12.keys"
wait_bg g-kl12
same_lines CLIENT_RANDOM "$GLS_TMP/srv12.keys" "$GLS_TMP/cli12.keys"
pass "TLS 1.2 key log: our server's CLIENT_RANDOM line equals s_client's"

# ---- renegotiation ----

# s_client asks to renegotiate ("R" on its stdin, interactive mode): our server answers the
# new ClientHello with a warning no_renegotiation alert (RFC 5246 §7.2.2) and carries on;
# s_client, whose renegotiation was refused, gives up on its side ("no renegotiation").
gls_serve g-reneg --cert "$pki/server-rsa.pem" --key "$pki/server-rsa.key"
start_fed reneg "$OPENSSL" s_client -connect "127.0.0.1:$port" -tls1_2 -CAfile "$pki/ca.pem"
feed reneg $'ping-before\n'
wait_for "$(out_of reneg)" ping-before 10 || fail "reneg: no echo before renegotiating"
feed reneg $'R\n'
wait_for "$(all_of reneg)" "RENEGOTIATING" 10 || fail "reneg: s_client did not renegotiate"
wait_for "$(all_of reneg)" "no renegotiation" 10 ||
    fail "reneg: s_client saw no no_renegotiation alert"
wait_bg reneg 10
[ "$RUN_STATUS" != 0 ] || fail "reneg: s_client exited 0 after the refused renegotiation"
end_feed reneg
wait_bg g-reneg 10
pass "our server refuses s_client's renegotiation with a warning no_renegotiation alert"

# s_server sends a HelloRequest ("r" on its stdin). src/hs/client12.c answers with a warning
# no_renegotiation alert; OpenSSL's server turns a refused renegotiation it asked for into a
# fatal handshake_failure, so our client must then fail cleanly (no hang), reporting that
# alert, after the data sent before it went through.
port=$(free_port)
start_fed s-hreq "$OPENSSL" s_server -naccept 1 -accept "127.0.0.1:$port" -tls1_2 "${rsa_leaf[@]}"
wait_port "$port" s-hreq
start_fed hreq "$GLS" client --cafile "$pki/ca.pem" --servername localhost --trace \
    "127.0.0.1:$port"
wait_for "$(err_of hreq)" "Protocol  : TLSv1.2" 10 || fail "hreq: no handshake"
feed hreq $'from-our-client\n'
wait_for "$(out_of s-hreq)" from-our-client 10 || fail "hreq: s_server did not get our data"
feed s-hreq $'r\n'
wait_for "$(err_of hreq)" "HelloRequest: renegotiation refused (warning no_renegotiation)" 10 ||
    fail "hreq: our client did not log refusing the HelloRequest"
wait_for "$(all_of s-hreq)" "no renegotiation" 10 || fail "hreq: s_server got no no_renegotiation"
wait_bg hreq 10
[ "$RUN_STATUS" != 0 ] || fail "hreq: our client exited 0 after s_server's fatal alert"
expect_contains "$(err_of hreq)" "glasstls: "
expect_contains "$(err_of hreq)" "handshake"
end_feed hreq
end_feed s-hreq
wait_bg s-hreq 10
pass "HelloRequest: our client answers no_renegotiation; s_server aborts, our client exits cleanly"

# ---- TLS 1.2 resumption ----

# Our server: a second s_client -sess_in to the same server process says "Reused", by
# ticket and (with -no_ticket) by session id.
for mode in ticket id; do
    extra=()
    [ "$mode" = id ] && extra=(-no_ticket)
    gls_serve "g-res-$mode" --cert "$pki/server-rsa.pem" --key "$pki/server-rsa.key" --tls1.2 \
        --max 2
    talk "res1-$mode" ping-res1 "$OPENSSL" s_client -connect "127.0.0.1:$port" -tls1_2 \
        -CAfile "$pki/ca.pem" -sess_out "$GLS_TMP/res-$mode.sess" "${extra[@]}"
    expect_contains "$(all_of "res1-$mode")" "New, TLSv1.2"
    talk "res2-$mode" ping-res2 "$OPENSSL" s_client -connect "127.0.0.1:$port" -tls1_2 \
        -CAfile "$pki/ca.pem" -sess_in "$GLS_TMP/res-$mode.sess" "${extra[@]}"
    wait_bg "g-res-$mode"
    expect_contains "$(all_of "res2-$mode")" "Reused, TLSv1.2"
    pass "our server resumes a TLS 1.2 session s_client saved (by $mode)"
done

# Our client: --resume against s_server -tls1_2 (which offers tickets and session IDs).
ossl_serve s-cres "${rsa_leaf[@]}" -tls1_2 -naccept 2
run_client cres $'hello glasstls\nCLOSE\n' "$GLS" client --cafile "$pki/ca.pem" \
    --servername localhost --resume "127.0.0.1:$port"
[ "$RUN_STATUS" = 0 ] || fail "cres: our client exited $RUN_STATUS"
[ "$(grep -c "Protocol  : TLSv1.2" "$(err_of cres)")" = 2 ] || fail "cres: not two 1.2 sessions"
wait_bg s-cres
expect_contains "$(err_of cres)" "Resumed   : yes"
expect_contains "$(all_of s-cres)" "1 session cache hits"
pass "our client resumes a TLS 1.2 session with s_server"

# RFC 7627 §5.3: a session made without the extended master secret is never resumed.
# gnutls-cli --resume with %NO_SESSION_HASH connects twice without EMS: the second
# connection must be a full handshake; with EMS it resumes.
gls_serve g-ems --cert "$pki/server-rsa.pem" --key "$pki/server-rsa.key" --tls1.2 --max 4
for ems in without with; do
    prio="NORMAL:-VERS-ALL:+VERS-TLS1.2"
    [ "$ems" = without ] && prio="NORMAL:%NO_SESSION_HASH:-VERS-ALL:+VERS-TLS1.2"
    run_client "gnutls-ems-$ems" "" gnutls-cli --x509cafile "$pki/ca.pem" -p "$port" --resume \
        --priority "$prio" localhost
    if [ "$ems" = without ]; then
        expect_not_contains "$(all_of "gnutls-ems-$ems")" "This is a resumed session"
    else
        expect_contains "$(all_of "gnutls-ems-$ems")" "This is a resumed session"
    fi
done
stop_bg g-ems
pass "a TLS 1.2 session without extended master secret is not resumed; with it, it is"
