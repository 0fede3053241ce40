#!/usr/bin/env bash
# tests/tool/decrypt.sh — `glasstls decrypt` on real captures: openssl s_client and s_server
# talk over loopback while tcpdump records (32 MiB ring, free port): TLS 1.2 with RSA key
# exchange (opened with --key), TLS 1.2 ECDHE and TLS 1.3 (opened with the key log s_client
# writes). Each session's plaintext must equal what was sent and what tshark decrypts from the
# same capture with the same material; ECDHE without a key log must be refused as forward
# secret. Capturing needs root, tcpdump and tshark: else SKIP.
set -euo pipefail

build=${GLS_BUILD:?GLS_BUILD is not set}
bin="$build/glasstls"
# shellcheck source=capture.bash
source "$(dirname "${BASH_SOURCE[0]}")/capture.bash"
need_capture tcpdump tshark openssl python3

# bad arguments and unreadable files, before any capture
set +e
"$bin" decrypt >/dev/null 2>&1; [ $? -eq 2 ] || { echo "no capture: want exit 2"; exit 1; }
"$bin" decrypt --bogus x >/dev/null 2>&1; [ $? -eq 2 ] || { echo "bad option: want exit 2"; exit 1; }
"$bin" decrypt a b >/dev/null 2>&1; [ $? -eq 2 ] || { echo "two captures: want exit 2"; exit 1; }
"$bin" decrypt "$tmp/none.pcap" 2>"$tmp/err.txt"; rc=$?
[ $rc -eq 1 ] && grep -q "cannot read the capture" "$tmp/err.txt" ||
  { echo "missing capture: want exit 1 and a message (rc $rc)"; exit 1; }
set -e

port=$(free_port)
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/key.pem" -out "$tmp/cert.pem" -days 1 \
  -subj /CN=localhost 2>/dev/null

timeout 120 tcpdump -i lo -U --immediate-mode -B 32768 -Z root -s 0 -w "$tmp/cap.pcap" \
  "tcp port $port" 2>"$tmp/tcpdump.log" &
pids+=("$!")
for _ in $(seq 1 100); do
  grep -q "listening on" "$tmp/tcpdump.log" 2>/dev/null && break
  kill -0 "${pids[0]}" 2>/dev/null || skip "cannot capture here: $(tr '\n' ' ' <"$tmp/tcpdump.log")"
  sleep 0.1
done
grep -q "listening on" "$tmp/tcpdump.log" || skip "cannot capture here"
sleep 0.5

# session NAME CLIENT_OPTS [NAME2 CLIENT_OPTS2]: the client sends "GET /NAME", the server
# answers (-www); with a second pair, a second client connects to the same server.
session() {
  : >"$tmp/server.log"
  timeout 20 openssl s_server -accept "$port" -cert "$tmp/cert.pem" -key "$tmp/key.pem" \
    -naccept $(($# / 2)) -www </dev/null >"$tmp/server.log" 2>&1 &
  local sp=$!
  pids+=("$sp")
  wait_for "$tmp/server.log" "ACCEPT" 10
  while [ $# -ge 2 ]; do
    # shellcheck disable=SC2086
    printf 'GET /%s HTTP/1.0\r\n\r\n' "$1" | timeout 20 openssl s_client -connect "127.0.0.1:$port" \
      -servername localhost -ign_eof -keylogfile "$tmp/keys.log" $2 >"$tmp/client.log" 2>&1 ||
      { echo "s_client failed ($2):" >&2; cat "$tmp/client.log" >&2; exit 1; }
    shift 2
  done
  wait "$sp" || true
  unset 'pids[-1]'
}

# the RSA session, then a TLS 1.2 resumption of it (ticket): --key alone must open both
session rsa-secret "-tls1_2 -cipher AES128-GCM-SHA256 -sess_out $tmp/sess.pem" \
  rsa-resumed "-tls1_2 -cipher AES128-GCM-SHA256 -sess_in $tmp/sess.pem"
grep -q "^Reused, " "$tmp/client.log" || { echo "the second RSA connection did not resume" >&2; exit 1; }
session ecdhe-secret "-tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256"
session tls13-secret "-tls1_3 -ciphersuites TLS_AES_128_GCM_SHA256"
last=""
for _ in $(seq 1 40); do
  sleep 0.5
  now=$(stat -c %s "$tmp/cap.pcap")
  [ "$now" = "$last" ] && break
  last=$now
done
sleep 0.5
kill "${pids[0]}"
wait "${pids[0]}" || true
pids=()
drops=$(sed -n 's/^\([0-9]*\) packets\{0,1\} dropped by kernel.*/\1/p' "$tmp/tcpdump.log")
[ "${drops:-x}" = 0 ] || skip "tcpdump dropped '${drops:-?}' packets"

# the key log without the RSA sessions' lines (the first CLIENT_RANDOM's master secret, also
# the resumed session's): --key opens those
rsa_ms=$(awk '/^CLIENT_RANDOM/ { print $3; exit }' "$tmp/keys.log")
awk -v ms="$rsa_ms" '!/^#/ && !($1 == "CLIENT_RANDOM" && $3 == ms)' "$tmp/keys.log" >"$tmp/all.log"
[ "$(grep -c "^CLIENT_RANDOM" "$tmp/all.log")" -eq 1 ] || { echo "unexpected key log:" >&2; cat "$tmp/keys.log" >&2; exit 1; }
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$tmp/other.pem" 2>/dev/null
# exit status: 0 only when every session opened, 3 when some could not be
want_rc() { # WANT CMD...: runs CMD, fails unless it exits WANT
  local want=$1 rc=0
  shift
  "$@" || rc=$?
  [ "$rc" -eq "$want" ] || { echo "exit $rc, want $want: $*" >&2; exit 1; }
}
want_rc 3 "$bin" decrypt "$tmp/cap.pcap" --key "$tmp/other.pem" --json >"$tmp/wrong.json"
want_rc 3 "$bin" decrypt "$tmp/cap.pcap" --json >"$tmp/nothing.json"
want_rc 0 "$bin" decrypt "$tmp/cap.pcap" --key "$tmp/key.pem" --keylog "$tmp/all.log" --json >"$tmp/ours.json"
want_rc 3 "$bin" decrypt "$tmp/cap.pcap" --key "$tmp/key.pem" --json >"$tmp/keyonly.json"
want_rc 3 "$bin" decrypt "$tmp/cap.pcap" --key "$tmp/key.pem" >"$tmp/keyonly.txt"
want_rc 3 "$bin" decrypt "$tmp/cap.pcap" --keylog "$tmp/all.log" >"$tmp/ours.txt" # no line for the RSA session
for s in 0 1 2 3; do
  tshark -r "$tmp/cap.pcap" -q -d "tcp.port==$port,tls" \
    -o "tls.keys_list:127.0.0.1,$port,http,$tmp/key.pem" -o "tls.keylog_file:$tmp/all.log" \
    -z "follow,tls,raw,$s" >"$tmp/shark$s.txt" 2>/dev/null
done

python3 - "$tmp" "$port" <<'EOF'
import json, sys, re
tmp, port = sys.argv[1], sys.argv[2]
ok = True
def bad(msg):
    global ok
    ok = False
    print("FAIL:", msg, file=sys.stderr)

def shark(i):
    """tshark's follow,tls,raw: node 0 (the first to send) unindented, node 1 after a tab."""
    n0, n1 = b"", b""
    text = open(f"{tmp}/shark{i}.txt").read()
    node0 = re.search(r"^Node 0: (\S+)$", text, re.M).group(1)
    for line in text.splitlines():
        if not line.strip() or line.startswith(("Follow:", "Filter:", "Node ")) or "=" in line:
            continue
        if line.startswith("\t"):
            n1 += bytes.fromhex(line.strip())
        else:
            n0 += bytes.fromhex(line.strip())
    return (n1, n0) if node0.endswith(":" + port) else (n0, n1)

ours = json.load(open(f"{tmp}/ours.json"))
keyonly = json.load(open(f"{tmp}/keyonly.json"))
want = [("TLS 1.2", "RSA", "rsa-secret"), ("TLS 1.2", "ECDHE", "ecdhe-secret"),
        ("TLS 1.3", "TLS1.3", "tls13-secret")]
if len(ours["sessions"]) != 4:
    bad(f"{len(ours['sessions'])} sessions, want 4")
want.insert(1, ("TLS 1.2", "RSA", "rsa-resumed"))
for i, (v, kx, name) in enumerate(want):
    if i >= len(ours["sessions"]):
        break
    s = ours["sessions"][i]
    if (s["tls_version"], s["key_exchange"], s["decrypted"]) != (v, kx, True):
        bad(f"session {i}: {s['tls_version']} {s['key_exchange']} decrypted={s['decrypted']} {s['reason']}")
    c = bytes.fromhex(s["client_to_server"]["application_data"])
    srv = bytes.fromhex(s["server_to_client"]["application_data"])
    sent = f"GET /{name} HTTP/1.0\r\n\r\n".encode()
    if c != sent:
        bad(f"session {i}: client data {c!r}, sent {sent!r}")
    if not srv.startswith(b"HTTP/1.0 200 ok"):
        bad(f"session {i}: server data starts {srv[:40]!r}")
    sc, ss = shark(i)
    if (sc, ss) != (c, srv):
        bad(f"session {i}: tshark decrypts {len(sc)}/{len(ss)} bytes: {sc[:40]!r} / {ss[:40]!r}")
k = keyonly["sessions"]
if not k[0]["decrypted"] or bytes.fromhex(k[0]["client_to_server"]["application_data"]) != b"GET /rsa-secret HTTP/1.0\r\n\r\n":
    bad(f"--key alone did not open the RSA session: {k[0]['reason']}")
if not k[1]["decrypted"] or bytes.fromhex(k[1]["client_to_server"]["application_data"]) != b"GET /rsa-resumed HTTP/1.0\r\n\r\n":
    bad(f"--key alone did not open the resumed RSA session: {k[1]['reason']}")
for i in (2, 3):
    r = k[i]["reason"] or {}
    if k[i]["decrypted"] or r.get("code") != "forward_secret" or "forward secret" not in r.get("text", ""):
        bad(f"--key on session {i}: want a forward-secret refusal, got {r}")
w = json.load(open(f"{tmp}/wrong.json"))["sessions"][0]
if w["decrypted"] or (w["reason"] or {}).get("code") != "wrong_key" or "did not make this session" not in w["reason"]["text"]:
    bad(f"another RSA key: want wrong_key, got {w['reason']}")
none = json.load(open(f"{tmp}/nothing.json"))["sessions"]
if [(x["reason"] or {}).get("code") for x in none] != ["no_material", "no_material", "forward_secret", "forward_secret"]:
    bad(f"no material: {[x['reason'] for x in none]}")
txt = open(f"{tmp}/keyonly.txt").read()
if txt.count("cannot decrypt: forward secret") != 2 or "GET /rsa-secret HTTP/1.0" not in txt:
    bad("text output:\n" + txt)
if not ok:
    sys.exit(1)
print("decrypt: 3 sessions equal what was sent and what tshark decrypts; ECDHE and TLS 1.3 refused without a key log")
EOF
