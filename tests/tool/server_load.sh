#!/usr/bin/env bash
# tests/tool/server_load.sh — `glasstls server` under idle load (issue 9): 10,000 idle TCP
# connections never stop a real client (ours, openssl s_client, curl) from completing a
# handshake within a second, the server's RSS stays under 64 MB, and every idle connection is
# closed at the handshake deadline; a ClientHello sent a byte at a time is cut at that deadline,
# an idle TLS connection at the idle deadline, and a --www request line that never ends too.
# Short deadlines come from the flags; one run checks the defaults (10 s, 60 s, 10,000).
# At the connection cap, new connections are closed at once and the log says so once a second.
source "$GLS_SRC/tests/interop/lib.sh"
GLS="$GLS_BUILD/glasstls"
FLOOD="$GLS_SRC/tests/tool/flood.py"

# server NAME [options]: our server on a fresh $port; $spid is the glasstls process itself.
server()
{
    local name=$1
    shift
    port=$(free_port)
    start_bg "$name" "$GLS" server --port "$port" "$@"
    wait_port "$port" "$name"
    spid=$(pgrep -P "$BG_PID" -x glasstls || echo "$BG_PID")
}

clients()
{
    printf '%s\n' --client "$GLS client --insecure --quiet 127.0.0.1:$port </dev/null" \
        --client "$OPENSSL s_client -connect 127.0.0.1:$port </dev/null" \
        --client "curl -sSk --max-time 5 https://127.0.0.1:$port/"
}

# ---- the defaults ----
server defaults
expect_contains "$(err_of defaults)" "limits: handshake 10 s, idle 60 s, 10000 connections"
pass "the defaults: handshake 10 s, idle 60 s, 10,000 connections"
mapfile -t cl < <(clients)
# the cap is reached: a real client takes the place of a connection silent for a second
run_client flood-defaults "" python3 "$FLOOD" "$port" 10000 --pid "$spid" --settle 1.2 "${cl[@]}"
cat "$(out_of flood-defaults)"
[ "$RUN_STATUS" = 0 ] || fail "under 10,000 idle connections (defaults)"
expect_contains "$(out_of flood-defaults)" "opened 10000"
pass "10,000 idle connections: every client handshakes within 1 s, RSS under 64 MB"
stop_bg defaults
expect_contains "$(err_of defaults)" "silent for a second or more closed at the limit to make room"
pass "at the cap, a silent connection makes room for a real client"

# ---- short deadlines: every idle connection is closed at the handshake deadline ----
server short --handshake-timeout 2 --idle-timeout 3 --max-conns 10100
mapfile -t cl < <(clients)
run_client flood-short "" python3 "$FLOOD" "$port" 10000 --pid "$spid" "${cl[@]}" \
    --closed-within 3.5 --not-before 1.95
cat "$(out_of flood-short)"
[ "$RUN_STATUS" = 0 ] || fail "under 10,000 idle connections (2 s handshake deadline)"
expect_contains "$(out_of flood-short)" "closed 10000 of 10000"
pass "all 10,000 idle connections closed at the 2 s handshake deadline, none before"
lines=$(grep -c "closed at the handshake deadline" "$(err_of short)" || true)
[ "$lines" -ge 1 ] && [ "$lines" -le 4 ] || fail "$lines log lines for the deadline closes"
pass "the deadline closes are logged in $lines lines, not one per connection"

# a ClientHello a byte every half second, an idle TLS connection, a request line that never ends
cat >"$GLS_TMP/slow.py" <<'PY'
import socket, ssl, sys, threading, time
port = int(sys.argv[1])
bad = []
def drip():
    s = socket.create_connection(("127.0.0.1", port))
    hello = bytes([0x16, 3, 1, 2, 0, 1, 0, 1, 0xfc, 3, 3] + [0] * 32)
    t0 = time.monotonic()
    for b in hello:
        try:
            s.send(bytes([b]))
            s.settimeout(0.5)
            if s.recv(1) == b"":
                break
        except socket.timeout:
            continue
        except OSError:
            break
    took = time.monotonic() - t0
    print(f"byte-at-a-time ClientHello cut after {took:.2f} s", flush=True)
    if not 1.8 <= took <= 3.0:
        bad.append("drip")
def tls(request):
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port)))
    t0 = time.monotonic()
    if request:
        s.send(request)
    s.settimeout(6)
    data = b""
    try:
        while True:
            d = s.recv(4096)
            if not d:
                break
            data += d
    except (ssl.SSLError, OSError):
        pass
    took = time.monotonic() - t0
    what = "request line that never ends" if request else "idle TLS connection"
    print(f"{what} closed after {took:.2f} s with {len(data)} bytes", flush=True)
    if not 2.8 <= took <= 4.0 or data:
        bad.append(what)
ts = [threading.Thread(target=f, args=a) for f, a in ((drip, ()), (tls, (b"",)), (tls, (b"GET / HT",)))]
for t in ts: t.start()
for t in ts: t.join()
sys.exit(1 if bad else 0)
PY
run_client slow "" python3 "$GLS_TMP/slow.py" "$port"
cat "$(out_of slow)"
[ "$(grep -c ' after ' "$(out_of slow)")" = 3 ] || fail "the deadline checks did not all run"
[ "$RUN_STATUS" = 0 ] || fail "deadlines: $(cat "$(err_of slow)")"
pass "a dripped ClientHello is cut at 2 s; an idle TLS connection and an endless request line at 3 s"
stop_bg short
expect_contains "$(err_of short)" "idle connection(s) closed (--idle-timeout)"

# ---- the cap: TLS connections fill it, new ones are closed at once, logged once a second ----
server cap --max-conns 20
cat >"$GLS_TMP/cap.py" <<'PY'
import socket, ssl, sys, time
port = int(sys.argv[1])
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
held = [ctx.wrap_socket(socket.create_connection(("127.0.0.1", port))) for _ in range(20)]
late = []
t0 = time.monotonic()
for _ in range(200):
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(2)
    late.append(s)
refused = 0
for s in late:
    try:
        if s.recv(1) == b"":
            refused += 1
    except OSError:
        refused += 1
took = time.monotonic() - t0
print(f"{refused} of 200 connections beyond the cap closed at once ({took:.2f} s)")
sys.exit(0 if refused == 200 and took < 2 else 1)
PY
run_client cap-client "" python3 "$GLS_TMP/cap.py" "$port"
cat "$(out_of cap-client)"
expect_contains "$(out_of cap-client)" "200 of 200 connections beyond the cap closed at once"
[ "$RUN_STATUS" = 0 ] || fail "connections beyond the cap"
sleep 1.2
stop_bg cap
lines=$(grep -c "new connection(s) closed at once: 20 open, the limit (--max-conns)" \
    "$(err_of cap)" || true)
total=$(grep "closed at once" "$(err_of cap)" | awk '{s += $3} END {print s}')
[ "$total" = 200 ] || fail "the log counts $total refused connections, not 200"
[ "$lines" -ge 1 ] && [ "$lines" -le 3 ] || fail "$lines log lines for 200 refusals"
pass "200 connections beyond --max-conns 20 closed at once; $lines log lines"
