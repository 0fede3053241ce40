#!/usr/bin/env bash
# tests/tool/decrypt_hybrid.sh — `glasstls decrypt` on a real capture of post-quantum hybrid
# sessions: `glasstls client` and `glasstls server --www` talk over loopback while tcpdump
# records, once with the default groups (X25519MLKEM768 negotiated) and once with
# --groups x25519. decrypt must name each session's group (text and JSON, post_quantum only
# for the hybrid), open both with the client's key log to exactly what was sent and received,
# and refuse both as forward secret without it. Capturing needs root and tcpdump: else SKIP.
set -euo pipefail

build=${GLS_BUILD:?GLS_BUILD is not set}
bin="$build/glasstls"
# shellcheck source=capture.bash
source "$(dirname "${BASH_SOURCE[0]}")/capture.bash"
need_capture tcpdump python3

port=$(free_port)
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

timeout 60 "$bin" server --port "$port" --www --log 2>"$tmp/server.log" >/dev/null &
pids+=("$!")
for _ in $(seq 1 100); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null &&
    break
  sleep 0.1
done
timeout 20 "$bin" client --insecure --keylog "$tmp/keys.log" --get /hybrid-secret \
  "127.0.0.1:$port" >"$tmp/hybrid.txt" 2>&1 || { cat "$tmp/hybrid.txt" >&2; exit 1; }
timeout 20 "$bin" client --insecure --keylog "$tmp/keys.log" --groups x25519 \
  --get /x25519-secret "127.0.0.1:$port" >"$tmp/x25519.txt" 2>&1 ||
  { cat "$tmp/x25519.txt" >&2; exit 1; }
kill "${pids[1]}"
wait "${pids[1]}" || true
unset 'pids[1]'
grep -q "X25519MLKEM768" "$tmp/hybrid.txt" || { echo "the hybrid was not negotiated" >&2; cat "$tmp/hybrid.txt" >&2; exit 1; }
last=""
for _ in $(seq 1 40); do
  sleep 0.5
  now=$(stat -c %s "$tmp/cap.pcap")
  [ "$now" = "$last" ] && break
  last=$now
done
kill "${pids[0]}"
wait "${pids[0]}" || true
pids=()
drops=$(sed -n 's/^\([0-9]*\) packets\{0,1\} dropped by kernel.*/\1/p' "$tmp/tcpdump.log")
[ "${drops:-x}" = 0 ] || skip "tcpdump dropped '${drops:-?}' packets"

rc=0
"$bin" decrypt "$tmp/cap.pcap" --keylog "$tmp/keys.log" --json >"$tmp/open.json" || rc=$?
[ $rc -eq 0 ] || { echo "decrypt with the key log: exit $rc" >&2; cat "$tmp/open.json" >&2; exit 1; }
"$bin" decrypt "$tmp/cap.pcap" --keylog "$tmp/keys.log" >"$tmp/open.txt"
rc=0
"$bin" decrypt "$tmp/cap.pcap" --json >"$tmp/none.json" || rc=$?
[ $rc -eq 3 ] || { echo "decrypt without material: exit $rc, want 3" >&2; exit 1; }

python3 - "$tmp" <<'EOF'
import json, sys
tmp = sys.argv[1]
opened = [s for s in json.load(open(f"{tmp}/open.json"))["sessions"]]
tls = [s for s in opened if s["tls_version"] is not None]
assert len(tls) == 2, [(s["client"], s["reason"]) for s in opened]
hyb, x = tls
assert (hyb["group"], hyb["post_quantum"]) == ("X25519MLKEM768", True), hyb
assert (x["group"], x["post_quantum"]) == ("x25519", False), x
for s, name in ((hyb, "hybrid-secret"), (x, "x25519-secret")):
    assert s["tls_version"] == "TLS 1.3" and s["decrypted"] is True, s
    c = bytes.fromhex(s["client_to_server"]["application_data"])
    body = bytes.fromhex(s["server_to_client"]["application_data"])
    assert c.startswith(f"GET /{name} HTTP/1.1\r\n".encode()), c
    assert body.startswith(b"HTTP/1.1 200"), body[:40]
    page = open(f"{tmp}/{name.split('-')[0]}.txt", "rb").read()
    # the client printed the same page it received
    assert body.split(b"\r\n\r\n", 1)[1][:200] in page, (body[:200], page[:400])
# the hybrid's page names its group: the server saw X25519MLKEM768
assert b"X25519MLKEM768" in bytes.fromhex(hyb["server_to_client"]["application_data"])
text = open(f"{tmp}/open.txt").read()
assert "group X25519MLKEM768 (post-quantum: includes ML-KEM)" in text, text
assert "key exchange TLS1.3, group x25519\n" in text and "GET /hybrid-secret" in text
none = [s for s in json.load(open(f"{tmp}/none.json"))["sessions"] if s["tls_version"]]
assert [(s["decrypted"], s["reason"]["code"], s["group"]) for s in none] == [
    (False, "forward_secret", "X25519MLKEM768"), (False, "forward_secret", "x25519")], none
print("decrypt: a captured X25519MLKEM768 session and an X25519 one named and opened with the key log")
EOF
echo "1 passed, 0 failed"
