#!/usr/bin/env bash
# tests/interop/pq_peers.sh — the post-quantum groups (issue 13) with real peers on 127.0.0.1:
#   - our client and our server: X25519MLKEM768 by default in one round trip; a
#     HelloRetryRequest to it; SecP256r1MLKEM768 when both enable it;
#   - node's TLS (its bundled OpenSSL; node -e with tls.connect, TLS 1.3 and 1.2) and curl
#     against our server: whatever group they offer works, and the page, the server's --log
#     line and the peer's own report agree on it (node 20 and curl 7.88 offer no ML-KEM: the
#     group is recorded, e.g. x25519);
#   - our client against openssl s_server and gnutls-serv, which have no ML-KEM: one round trip
#     on the X25519 share we send beside the hybrid one (one ClientHello, no HelloRetryRequest),
#     the hybrid share seen by s_server's trace.
# shellcheck source-path=SCRIPTDIR source=tls13.bash
source "$(dirname "${BASH_SOURCE[0]}")/tls13.bash"
command -v node >/dev/null || fail "this test needs node (scripts/setup.sh installs nodejs)"

# expect_one_round_trip NAME: our client's --trace shows one ClientHello and no HRR.
expect_one_round_trip()
{
    [ "$(count_of "$(err_of "$1")" "-> ClientHello")" = 1 ] || fail "$1: not exactly 1 ClientHello"
    expect_not_contains "$(err_of "$1")" "HelloRetryRequest"
}

# expect_logged NAME VERSION GROUP: the last handshake in the server NAME's --log (the one
# just made) has that version and group.
expect_logged()
{
    local last
    last=$(grep "glasstls server: handshake: " "$(err_of "$1")" | tail -n 1)
    [[ $last =~ ^"glasstls server: handshake: $2 "[A-Z0-9_]+" group $3 " ]] ||
        fail "$1: the last handshake logged is not $2 with group $3: $last"
}

# ---- our client and our server ----

gls_server srv-gls --www --log --cert "$PKI/server-ecdsa.pem" --key "$PKI/server-ecdsa.key"
gls_port=$port
gls_client gls-default "" --trace --get /
[ "$RUN_STATUS" = 0 ] || fail "gls-default: our client exited $RUN_STATUS"
expect_summary gls-default Group X25519MLKEM768
expect_summary gls-default Verify ok
expect_one_round_trip gls-default
expect_contains "$(out_of gls-default)" "Key exchange   : X25519MLKEM768"
expect_logged srv-gls TLSv1.3 X25519MLKEM768
pass "glasstls client and server: X25519MLKEM768 by default, in one round trip"

gls_client gls-hrr "" --trace --groups x25519,X25519MLKEM768 --get /
[ "$RUN_STATUS" = 0 ] || fail "gls-hrr: our client exited $RUN_STATUS"
expect_contains "$(err_of gls-hrr)" "HelloRetryRequest: server wants a X25519MLKEM768 key share"
[ "$(count_of "$(err_of gls-hrr)" "-> ClientHello")" = 2 ] || fail "gls-hrr: not 2 ClientHellos"
expect_summary gls-hrr Group X25519MLKEM768
pass "glasstls server prefers the hybrid: a HelloRetryRequest for X25519MLKEM768, answered"

gls_server srv-gls-p256 --www --log --groups SecP256r1MLKEM768,x25519 \
    --cert "$PKI/server-ecdsa.pem" --key "$PKI/server-ecdsa.key"
gls_client gls-p256 "" --trace --groups SecP256r1MLKEM768 --get /
[ "$RUN_STATUS" = 0 ] || fail "gls-p256: our client exited $RUN_STATUS"
expect_summary gls-p256 Group SecP256r1MLKEM768
expect_one_round_trip gls-p256
expect_logged srv-gls-p256 TLSv1.3 SecP256r1MLKEM768
stop_bg srv-gls-p256
pass "glasstls client and server: SecP256r1MLKEM768 when both enable it"

# ---- node's TLS against our server ----

port=$gls_port
# Prints "protocol suite group" as node's TLS reports them, then the response.
NODE_CLIENT='
const tls = require("tls"), fs = require("fs");
const [port, version, curve] = process.argv.slice(1);
const opts = { host: "127.0.0.1", port: +port, servername: "localhost",
  ca: fs.readFileSync(process.env.CA), minVersion: version, maxVersion: version };
if (curve) opts.ecdhCurve = curve;
const s = tls.connect(opts, () => {
  const k = s.getEphemeralKeyInfo();
  console.log(`node: ${s.getProtocol()} ${s.getCipher().standardName} ${k.name}`);
  s.write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
});
s.setEncoding("utf8");
s.on("data", (d) => process.stdout.write(d));
s.on("error", (e) => { console.error(`node: ${e.message}`); process.exit(1); });
s.on("end", () => process.exit(0));
setTimeout(() => { console.error("node: timed out"); process.exit(1); }, 15000);'
# OpenSSL's names for the groups, as node reports them, and ours.
declare -A NODE_GROUP=([X25519]=x25519 [prime256v1]=secp256r1 [secp384r1]=secp384r1
    [X448]=x448 [secp521r1]=secp521r1 [X25519MLKEM768]=X25519MLKEM768)

# vs_node NAME VERSION [CURVES]: node connects with that version (and curve list), gets the
# page; its report, the page and the server's log name the same version and group.
vs_node()
{
    local name=$1
    local version=$2
    run_client "$name" "" env CA="$PKI/ca.pem" node -e "$NODE_CLIENT" "$port" "$version" "${3:-}"
    [ "$RUN_STATUS" = 0 ] || fail "$name: node exited $RUN_STATUS"
    local report
    report=$(grep '^node: ' "$(out_of "$name")") || fail "$name: node printed no report"
    read -r _ proto suite curve <<<"$report"
    [ "$proto" = "$version" ] || fail "$name: node negotiated $proto, not $version"
    local group=${NODE_GROUP[$curve]:-}
    [ -n "$group" ] || fail "$name: node reports a group we do not know: $curve"
    expect_contains "$(out_of "$name")" "HTTP/1.1 200 OK"
    expect_contains "$(out_of "$name")" "Protocol       : $version"
    expect_contains "$(out_of "$name")" "Cipher suite   : $suite"
    expect_contains "$(out_of "$name")" "Key exchange   : $group"
    expect_logged srv-gls "$version" "$group"
    pass "node $(node --version) (OpenSSL $(node -p process.versions.openssl)) ${3:+with $3 }\
against glasstls server: $version $suite, group $group"
}
vs_node node-tls13 TLSv1.3
vs_node node-tls12 TLSv1.2
vs_node node-tls13-p256 TLSv1.3 P-256

# ---- curl against our server ----

# vs_curl NAME VERSION [curl options]: curl gets the page; the page and the log agree.
vs_curl()
{
    local name=$1
    local version=$2
    shift 2
    run_client "$name" "" curl -sS --max-time 15 --cacert "$PKI/ca.pem" \
        --resolve "localhost:$port:127.0.0.1" -w 'curl: %{http_code}\n' "$@" \
        "https://localhost:$port/"
    [ "$RUN_STATUS" = 0 ] || fail "$name: curl exited $RUN_STATUS"
    expect_contains "$(out_of "$name")" "curl: 200"
    expect_contains "$(out_of "$name")" "Protocol       : $version"
    local group
    group=$(sed -n 's/^Key exchange   : //p' "$(out_of "$name")")
    [ -n "$group" ] || fail "$name: no key exchange on the page"
    expect_logged srv-gls "$version" "$group"
    pass "curl against glasstls server: $version, group $group"
}
vs_curl curl-tls13 TLSv1.3 --tlsv1.3
vs_curl curl-tls12 TLSv1.2 --tlsv1.2 --tls-max 1.2
stop_bg srv-gls
expect_not_contains "$(err_of srv-gls)" "handshake failed"

# ---- our client against servers without ML-KEM ----

port=$(free_port)
start_bg srv-ossl "$OPENSSL" s_server -www -naccept 1 -trace -accept "127.0.0.1:$port" \
    -cert "$PKI/server-ecdsa.pem" -key "$PKI/server-ecdsa.key"
wait_port "$port" srv-ossl
gls_client ossl "" --trace --get /
[ "$RUN_STATUS" = 0 ] || fail "ossl: our client exited $RUN_STATUS"
wait_bg srv-ossl
expect_summary ossl Protocol TLSv1.3
expect_summary ossl Group x25519
expect_summary ossl Verify ok
expect_one_round_trip ossl
expect_contains "$(out_of ossl)" "Protocol  : TLSv1.3"
# s_server saw both shares (0x11ec = 4588 is unknown to OpenSSL 3.0), chose x25519, sent no HRR
expect_contains "$(all_of srv-ossl)" "NamedGroup: UNKNOWN (4588)"
expect_contains "$(all_of srv-ossl)" "NamedGroup: ecdh_x25519 (29)"
expect_not_contains "$(all_of srv-ossl)" "$HRR_RANDOM_TRACE"
[ "$(count_of "$(all_of srv-ossl)" "ClientHello, Length=")" = 1 ] || fail "srv-ossl: not 1 ClientHello"
pass "openssl s_server ($($OPENSSL version | cut -d' ' -f2)): our client's x25519 share, one round trip"

port=$(free_port)
start_bg srv-gnutls stdbuf -oL gnutls-serv --echo -p "$port" --x509certfile \
    "$PKI/server-ecdsa.pem" --x509keyfile "$PKI/server-ecdsa.key"
wait_port "$port" srv-gnutls
gls_client gnutls $'hello gnutls\n' --trace
[ "$RUN_STATUS" = 0 ] || fail "gnutls: our client exited $RUN_STATUS"
expect_summary gnutls Protocol TLSv1.3
expect_summary gnutls Group x25519
expect_summary gnutls Verify ok
expect_one_round_trip gnutls
expect_contains "$(out_of gnutls)" "hello gnutls"
wait_for srv-gnutls "- Description: (TLS1.3-X.509)-(ECDHE-X25519)-"
stop_bg srv-gnutls
pass "gnutls-serv ($(gnutls-serv --version | head -n 1 | cut -d' ' -f2)): our client's x25519 share, one round trip"
finish
