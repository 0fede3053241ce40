#!/usr/bin/env bash
# tests/tool/daily.sh — the tool as a daily tool (issue 10): connect and listen errors name
# the reason; certificate and key problems name the flag and the file; --bind takes names
# and IPv6 addresses (and the client connects over IPv6); colour only on a terminal and
# never with NO_COLOR; the client's connect and handshake timeouts; a warning for a server
# certificate that has expired or is not yet valid; --www speaks ALPN http/1.1 and nothing
# else; SIGINT and SIGTERM end the server cleanly. Exit codes and messages are asserted.
source "$GLS_SRC/tests/interop/lib.sh"
GLS="$GLS_BUILD/glasstls"
pki="$GLS_TMP/pki"
make_pki "$pki"
# a certificate valid only from tomorrow
pki_leaf "$pki" ca future rsa localhost server_rsa \
    -startdate "$(date -u -d '+1 day' +%Y%m%d%H%M%SZ)" \
    -enddate "$(date -u -d '+30 days' +%Y%m%d%H%M%SZ)"

# expect_exit NAME CODE: the last run_client NAME exited CODE.
expect_exit()
{
    [ "$RUN_STATUS" = "$2" ] || fail "$1 exited $RUN_STATUS, not $2: $(cat "$(err_of "$1")")"
}

server()
{
    local name=$1
    shift
    port=$(free_port)
    start_bg "$name" "$GLS" server --port "$port" "$@"
    wait_port "$port" "$name"
}

# ---- connect and listen errors name the reason ----
port=$(free_port)
run_client refused "" "$GLS" client --insecure "127.0.0.1:$port"
expect_exit refused 1
expect_contains "$(err_of refused)" "glasstls: cannot connect to 127.0.0.1:$port: Connection refused"
run_client refused6 "" "$GLS" client --insecure "[::1]:$port"
expect_exit refused6 1
expect_contains "$(err_of refused6)" "glasstls: cannot connect to [::1]:$port: Connection refused"
pass "connection refused is said, IPv4 and IPv6"

server first
run_client in-use "" "$GLS" server --port "$port"
expect_exit in-use 1
expect_contains "$(err_of in-use)" "glasstls: cannot listen on 127.0.0.1:$port: Address already in use"
run_client bad-bind "" "$GLS" server --port "$port" --bind no-such-host.invalid
expect_exit bad-bind 1
expect_contains "$(err_of bad-bind)" "glasstls: cannot listen on no-such-host.invalid:$port: "
pass "cannot listen: address in use, unknown name"

# ---- file errors name the flag; a key that does not match says so ----
printf 'not PEM\n' >"$GLS_TMP/junk.pem"
cert_case()
{
    local name=$1
    local want=$2
    shift 2
    run_client "$name" "" "$GLS" server --port "$(free_port)" "$@"
    expect_exit "$name" "${code:-1}"
    expect_contains "$(err_of "$name")" "$want"
}
cert_case no-cert "glasstls server: --cert $GLS_TMP/none.pem: cannot read it: No such file or directory" \
    --cert "$GLS_TMP/none.pem" --key "$pki/server-rsa.key"
cert_case no-key "glasstls server: --key $GLS_TMP/none.key: cannot read it: No such file or directory" \
    --cert "$pki/server-rsa.pem" --key "$GLS_TMP/none.key"
cert_case junk-cert "glasstls server: --cert $GLS_TMP/junk.pem: no certificate in it could be parsed" \
    --cert "$GLS_TMP/junk.pem" --key "$pki/server-rsa.key"
cert_case junk-key "glasstls server: --key $GLS_TMP/junk.pem: the private key could not be parsed" \
    --cert "$pki/server-rsa.pem" --key "$GLS_TMP/junk.pem"
cert_case mismatch \
    "glasstls server: --key $pki/server-ecdsa.key does not match the certificate in --cert $pki/server-rsa.pem" \
    --cert "$pki/server-rsa.pem" --key "$pki/server-ecdsa.key"
code=2 cert_case no-ca "glasstls server: bad option --cafile $GLS_TMP/none.pem: cannot read it: No such file or directory" \
    --cafile "$GLS_TMP/none.pem"
run_client client-mismatch "" "$GLS" client --cert "$pki/client.pem" --key "$pki/server-rsa.key" \
    "127.0.0.1:$port"
expect_exit client-mismatch 2
expect_contains "$(err_of client-mismatch)" \
    "glasstls client: --key $pki/server-rsa.key does not match the certificate in --cert $pki/client.pem"
pass "file errors say which of --cert, --key, --cafile; a mismatched key says so"

# ---- --bind localhost (both families) and IPv6 addresses; the client over IPv6 ----
server local --bind localhost --echo
expect_contains "$(err_of local)" "listening on 127.0.0.1:$port"
run_client via4 $'over v4\n' "$GLS" client --insecure --quiet "127.0.0.1:$port"
expect_exit via4 0
expect_contains "$(out_of via4)" "over v4"
if getent ahosts localhost | grep '^::1 ' >/dev/null; then # every address the name has
    expect_contains "$(err_of local)" "listening on [::1]:$port"
    run_client via6 $'over v6\n' "$GLS" client --insecure --quiet "[::1]:$port"
    expect_exit via6 0
    expect_contains "$(out_of via6)" "over v6"
fi
stop_bg local
server v6 --bind ::1 --cert "$pki/server-rsa.pem" --key "$pki/server-rsa.key"
expect_contains "$(err_of v6)" "listening on [::1]:$port"
run_client v6-ossl $'GET / HTTP/1.0\n\n' "$OPENSSL" s_client -connect "[::1]:$port" -quiet -ign_eof
expect_contains "$(out_of v6-ossl)" "HTTP/1.1 200 OK"
run_client v6-name "" "$GLS" client --cafile "$pki/ca.pem" --servername localhost --get / "[::1]:$port"
expect_exit v6-name 0
expect_contains "$(out_of v6-name)" "HTTP/1.1 200 OK"
expect_contains "$(err_of v6-name)" "Verify    : ok"
stop_bg v6
pass "--bind localhost listens on 127.0.0.1 and ::1; --bind ::1; the client connects over IPv6"

# ---- colour: a terminal only, and never with NO_COLOR ----
esc=$'\e['
script -qec "$GLS explain --tls1.3" /dev/null >"$GLS_TMP/tty.txt" </dev/null
grep -qF "$esc" "$GLS_TMP/tty.txt" || fail "no colour on a terminal"
NO_COLOR=1 script -qec "$GLS explain --tls1.3" /dev/null >"$GLS_TMP/nocolor.txt" </dev/null
grep -qF "$esc" "$GLS_TMP/nocolor.txt" && fail "colour despite NO_COLOR"
grep -qF "secret" "$GLS_TMP/nocolor.txt" || fail "explain printed nothing under NO_COLOR"
"$GLS" explain --tls1.3 >"$GLS_TMP/pipe.txt"
grep -qF "$esc" "$GLS_TMP/pipe.txt" && fail "colour into a pipe"
pass "colour on a terminal only, and not with NO_COLOR"

# ---- client timeouts: connect (a listener whose queue is full) and handshake (one that
# ---- never answers) ----
cat >"$GLS_TMP/stall.py" <<'PY'
import socket, sys, time
full = socket.socket(); full.bind(("127.0.0.1", 0)); full.listen(0)
mute = socket.socket(); mute.bind(("127.0.0.1", 0)); mute.listen(8)
fill = []
for _ in range(8):  # fill the accept queue so further SYNs go unanswered
    s = socket.socket(); s.setblocking(False); s.connect_ex(full.getsockname()); fill.append(s)
print(full.getsockname()[1], mute.getsockname()[1], flush=True)
time.sleep(60)
PY
start_bg stall python3 "$GLS_TMP/stall.py"
for _ in $(seq 50); do [ -s "$(out_of stall)" ] && break; sleep 0.1; done
read -r full_port mute_port <"$(out_of stall)"
sleep 0.3
t0=$(date +%s%N)
run_client ctimeout "" "$GLS" client --insecure --timeout 1 "127.0.0.1:$full_port"
took=$((($(date +%s%N) - t0) / 1000000))
expect_exit ctimeout 1
expect_contains "$(err_of ctimeout)" "glasstls: cannot connect to 127.0.0.1:$full_port: timed out after 1 s"
[ "$took" -ge 900 ] && [ "$took" -lt 3000 ] || fail "connect timeout took $took ms"
t0=$(date +%s%N)
run_client htimeout "" "$GLS" client --insecure --timeout 0.5 "127.0.0.1:$mute_port"
took=$((($(date +%s%N) - t0) / 1000000))
expect_exit htimeout 1
expect_contains "$(err_of htimeout)" \
    "glasstls: handshake failed: timeout: no answer from 127.0.0.1:$mute_port within 0.5 s"
[ "$took" -ge 450 ] && [ "$took" -lt 2500 ] || fail "handshake timeout took $took ms"
stop_bg stall
"$GLS" client --help | grep -F -- "--timeout S" >/dev/null || fail "--timeout not in --help"
"$GLS" client --help | grep -F "(default 10)" >/dev/null || fail "no default timeout in --help"
pass "client: connect timeout and handshake timeout, each said"

# ---- a certificate out of its validity period: a warning at start ----
server expired --cert "$pki/expired.pem" --key "$pki/expired.key"
expect_contains "$(err_of expired)" \
    "glasstls server: WARNING: the certificate in $pki/expired.pem expired on $(date -u -d '-30 days' +%Y-%m-%d)"
stop_bg expired
server future --cert "$pki/future.pem" --key "$pki/future.key"
expect_contains "$(err_of future)" \
    "glasstls server: WARNING: the certificate in $pki/future.pem is not valid before $(date -u -d '+1 day' +%Y-%m-%d)"
stop_bg future
server current --cert "$pki/server-rsa.pem" --key "$pki/server-rsa.key"
expect_not_contains "$(err_of current)" "WARNING"
stop_bg current
pass "expired and not-yet-valid certificates are warned about at start; a current one is not"

# ---- --www and ALPN ----
server www
run_client alpn-default "" "$OPENSSL" s_client -connect "127.0.0.1:$port" -alpn h2,http/1.1
expect_contains "$(out_of alpn-default)" "ALPN protocol: http/1.1"
run_client alpn-h2only "" "$OPENSSL" s_client -connect "127.0.0.1:$port" -alpn h2
expect_not_contains "$(out_of alpn-h2only)" "ALPN protocol: h2"
run_client curl-h2 "" curl -sSk --http2 --max-time 10 -w '%{http_version}\n' "https://127.0.0.1:$port/"
expect_exit curl-h2 0
expect_contains "$(out_of curl-h2)" "<h1>glasstls</h1>"
stop_bg www
server www-h2 --alpn h2,http/1.1
expect_contains "$(err_of www-h2)" "glasstls server: --www speaks only http/1.1: not offering 'h2'"
run_client h2-ossl "" "$OPENSSL" s_client -connect "127.0.0.1:$port" -alpn h2
expect_not_contains "$(out_of h2-ossl)" "ALPN protocol: h2"
run_client curl-h2b "" curl -sSk --http2 --max-time 10 "https://127.0.0.1:$port/"
expect_exit curl-h2b 0
expect_contains "$(out_of curl-h2b)" "ALPN           : http/1.1"
stop_bg www-h2
server echo-h2 --echo --alpn h2
run_client echo-h2 "" "$OPENSSL" s_client -connect "127.0.0.1:$port" -alpn h2
expect_contains "$(out_of echo-h2)" "ALPN protocol: h2"
stop_bg echo-h2
pass "--www answers ALPN http/1.1 and never h2 (curl gets a page); --echo keeps what it is given"

# ---- SIGINT and SIGTERM: a clean exit, even with a connection open ----
for sig in INT TERM; do
    server "sig$sig" --echo
    spid=$(pgrep -P "$BG_PID" -x glasstls)
    exec 7<>"/dev/tcp/127.0.0.1/$port"
    sleep 0.2
    kill "-$sig" "$spid"
    wait_bg "sig$sig" 3
    exec 7>&-
    [ "$RUN_STATUS" = 0 ] || fail "SIG$sig: server exited $RUN_STATUS"
done
pass "SIGINT and SIGTERM end the server with status 0"
