#!/usr/bin/env bash
# A fleet of two `glasstls server` processes sharing ticket keys and TLS 1.2 session ids
# through a real Redis (started here on a free port, in its own directory, stopped at the
# end). Clients — ours (--sess-out/--sess-in), openssl s_client (-sess_out/-sess_in) and
# Python's ssl — make a session on one server and resume it on the other, for TLS 1.3
# tickets, TLS 1.2 tickets and TLS 1.2 session ids. Then: a rotation keeps the previous key;
# a restarted server accepts tickets issued before it restarted; with Redis stopped the
# servers keep serving (full handshakes for session ids, one log line), and once Redis is
# back sessions resume across servers again. Also the keying material exporter of TLS 1.3
# and TLS 1.2 (EMS) against s_client -keymatexport.
source "$(dirname "$0")/lib.sh"

GLS=$GLS_BUILD/glasstls
PY=/usr/bin/python3
command -v redis-server >/dev/null || fail "redis-server is not installed (scripts/setup.sh)"
make_pki "$GLS_TMP/pki"
pki=$GLS_TMP/pki
PERIOD=6 # seconds a ticket key stays current

rport=$(free_port)
mkdir -p "$GLS_TMP/redis"
start_redis()
{
    start_bg "$1" redis-server --port "$rport" --bind 127.0.0.1 --dir "$GLS_TMP/redis" \
        --save "" --appendonly yes --appendfsync always --daemonize no
    wait_port "$rport" "$1"
}
start_redis redis

# serve NAME: a fleet server on a fresh port (in ${ports[NAME]}), ECDSA leaf of the test PKI.
declare -A ports
serve()
{
    local name=$1
    local p=${ports[$name]:-$(free_port)}
    ports[$name]=$p
    start_bg "$name" "$GLS" server --port "$p" --cert "$pki/server-ecdsa.pem" \
        --key "$pki/server-ecdsa.key" --ticket-keys "redis://127.0.0.1:$rport/tk" \
        --ticket-period "$PERIOD" --session-cache "redis://127.0.0.1:$rport/sc" \
        --keymatexport "EXPERIMENTAL fleet" --keymatexportlen 32
    wait_port "$p" "$name"
}
serve A
serve B

# ours VERSION FROM TO: our client makes a session on FROM and resumes it on TO.
ours()
{
    local v=$1 from=$2 to=$3 f="$GLS_TMP/ours-$1.sess"
    run_client "ours-$v-1" "" "$GLS" client --cafile "$pki/ca.pem" --servername localhost \
        "--tls$v" --sess-out "$f" --get / "127.0.0.1:${ports[$from]}"
    [ "$RUN_STATUS" = 0 ] || fail "our client (TLS $v) on $from"
    expect_contains "$(all_of "ours-$v-1")" "Resumed   : no"
    [ -s "$f" ] || fail "--sess-out wrote no session (TLS $v)"
    [ "$(stat -c %a "$f")" = 600 ] || fail "the session file is not mode 0600"
    run_client "ours-$v-2" "" "$GLS" client --cafile "$pki/ca.pem" --servername localhost \
        "--tls$v" --sess-in "$f" --get / "127.0.0.1:${ports[$to]}"
    [ "$RUN_STATUS" = 0 ] || fail "our client (TLS $v) on $to"
    expect_contains "$(all_of "ours-$v-2")" "Resumed   : yes"
}
ours 1.3 A B
pass "our client: a TLS 1.3 ticket from server A resumes on server B (--sess-out/--sess-in)"
ours 1.2 B A
pass "our client: a TLS 1.2 ticket from server B resumes on server A"

# ossl NAME MODE FROM TO [EXPECT]: s_client makes a session on FROM (-sess_out) and offers
# it on TO (-sess_in), which says EXPECT (default "Reused, TLSv1.").
ossl()
{
    local name=$1 mode=$2 from=$3 to=$4 expect=${5:-Reused, TLSv1.} extra=()
    case $mode in
        tls13) extra=(-tls1_3) ;;
        tls12-ticket) extra=(-tls1_2) ;;
        tls12-id) extra=(-tls1_2 -no_ticket) ;;
    esac
    run_client "$name-1" $'GET / HTTP/1.0\r\n\r\n' "$OPENSSL" s_client -connect \
        "127.0.0.1:${ports[$from]}" -CAfile "$pki/ca.pem" -servername localhost "${extra[@]}" \
        -sess_out "$GLS_TMP/$name.sess" -ign_eof
    expect_contains "$(all_of "$name-1")" "New, TLSv1."
    run_client "$name-2" $'GET / HTTP/1.0\r\n\r\n' "$OPENSSL" s_client -connect \
        "127.0.0.1:${ports[$to]}" -CAfile "$pki/ca.pem" -servername localhost "${extra[@]}" \
        -sess_in "$GLS_TMP/$name.sess" -ign_eof
    expect_contains "$(all_of "$name-2")" "$expect"
}
ossl o13 tls13 A B
pass "openssl s_client: a TLS 1.3 ticket from A resumes on B"
ossl o12t tls12-ticket A B
pass "openssl s_client: a TLS 1.2 ticket from A resumes on B"
ossl o12i tls12-id B A
pass "openssl s_client: a TLS 1.2 session id from B resumes on A (Redis session cache)"

# py NAME MODE FROM TO: Python's ssl, the session object carried from one server to the other.
cat >"$GLS_TMP/resume.py" <<'PYEOF'
import socket, ssl, sys
mode, p1, p2, ca = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
ctx = ssl.create_default_context(cafile=ca)
if mode == "tls13":
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
else:
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
if mode == "tls12-id":
    ctx.options |= ssl.OP_NO_TICKET
def get(port, session=None):
    with socket.create_connection(("127.0.0.1", port)) as raw:
        with ctx.wrap_socket(raw, server_hostname="localhost", session=session) as s:
            s.sendall(b"GET / HTTP/1.0\r\n\r\n")
            while s.recv(4096):
                pass
            return s.session, s.session_reused
sess, first = get(p1)
_, second = get(p2, sess)
print("first reused=%s second reused=%s" % (first, second))
PYEOF
py()
{
    run_client "$1" "" "$PY" "$GLS_TMP/resume.py" "$2" "${ports[$3]}" "${ports[$4]}" "$pki/ca.pem"
    [ "$RUN_STATUS" = 0 ] || fail "python $2"
    expect_contains "$(out_of "$1")" "first reused=False second reused=True"
}
py py13 tls13 B A
pass "python ssl: a TLS 1.3 ticket from B resumes on A"
py py12t tls12-ticket A B
pass "python ssl: a TLS 1.2 ticket from A resumes on B"
py py12i tls12-id A B
pass "python ssl: a TLS 1.2 session id from A resumes on B"

# ---- exporter: the same keying material as OpenSSL's SSL_export_keying_material ----
for v in 1_3 1_2; do
    run_client "km$v" $'GET / HTTP/1.0\r\n\r\n' "$OPENSSL" s_client -connect \
        "127.0.0.1:${ports[A]}" -CAfile "$pki/ca.pem" -servername localhost "-tls$v" \
        -keymatexport "EXPERIMENTAL fleet" -keymatexportlen 32 -ign_eof
    theirs=$(sed -n 's/^ *Keying material: *\([0-9A-F]*\)$/\1/p' "$(out_of "km$v")")
    [ ${#theirs} = 64 ] || fail "s_client printed no keying material (TLS ${v/_/.})"
    expect_contains "$(all_of A)" "Keying material: $theirs"
    pass "exporter (TLS ${v/_/.}): our server and s_client -keymatexport agree"
done

# ---- rotation: one server rotates, the previous key still opens tickets ----
f=$GLS_TMP/rot.sess
run_client rot1 "" "$GLS" client --cafile "$pki/ca.pem" --servername localhost --tls1.3 \
    --sess-out "$f" --get / "127.0.0.1:${ports[A]}"
sleep $((PERIOD + 1))
run_client rot2 "" "$GLS" client --cafile "$pki/ca.pem" --servername localhost --tls1.3 \
    --sess-in "$f" --get / "127.0.0.1:${ports[B]}"
expect_contains "$(all_of rot2)" "Resumed   : yes"
rotations=$(cat "$(err_of A)" "$(err_of B)" | grep -c "rotated the ticket keys" || true)
[ "$rotations" -ge 2 ] || fail "expected a first key and a rotation in the logs ($rotations)"
pass "after the period ends one server rotates; a ticket under the previous key still resumes"

# ---- a restarted server accepts tickets issued before it restarted ----
f=$GLS_TMP/restart.sess
run_client rs1 "" "$GLS" client --cafile "$pki/ca.pem" --servername localhost --tls1.3 \
    --sess-out "$f" --get / "127.0.0.1:${ports[B]}"
stop_bg B
unset "GLS_BG_PID[B]"
serve B
run_client rs2 "" "$GLS" client --cafile "$pki/ca.pem" --servername localhost --tls1.3 \
    --sess-in "$f" --get / "127.0.0.1:${ports[B]}"
expect_contains "$(all_of rs2)" "Resumed   : yes"
pass "a restarted server resumes a ticket it issued before the restart"

# ---- Redis down: serving goes on; Redis back: resumption across servers again ----
stop_bg redis
ossl down tls12-id A B "New, TLSv1.2"
lines=$(grep -c "session cache redis://127.0.0.1:$rport/sc is unreachable" "$(err_of A)" || true)
[ "$lines" = 1 ] || fail "expected one 'unreachable' line in A's log, found $lines"
# ticket keys are held in memory: TLS 1.3 goes on (resuming while both servers hold the
# key a ticket was sealed under; a rotation that only one of them saw is not waited for)
run_client down13 "" "$GLS" client --cafile "$pki/ca.pem" --servername localhost --tls1.3 \
    --get / "127.0.0.1:${ports[B]}"
[ "$RUN_STATUS" = 0 ] || fail "server B stopped serving TLS 1.3 while Redis was down"
pass "Redis stopped: the servers keep serving, full handshakes for session ids, one log line"
start_redis redis2
# while the store is down a server tries it again at most once a second (RECONNECT_WAIT in
# tool/fleet.c): let that second pass for both servers, else A may not store the session yet
sleep 2
ossl back tls12-id A B
pass "Redis back: a TLS 1.2 session id from A resumes on B again"
expect_contains "$(err_of A)" "session cache redis://127.0.0.1:$rport/sc is reachable again"
stop_bg redis2
