#!/usr/bin/env bash
# tests/tool/capture_openssl.sh — the capture reader on real captures: openssl s_server -www
# and s_client talk over loopback (TLS 1.3, TLS 1.3 with HelloRetryRequest, TLS 1.2 ECDHE,
# TLS 1.2 RSA key exchange) while tcpdump (-i any: Linux cooked v2, pcap) and dumpcap (-i lo:
# Ethernet, pcapng) record. pcap_scan must find every session with the expected version,
# suite and flags, and with the randoms, suite and version tshark reads from the same file.
# Capturing needs root and tcpdump/dumpcap/tshark (scripts/setup.sh): else it says SKIP.
set -euo pipefail

build=${GLS_BUILD:?GLS_BUILD is not set}
scan="$build/tests/pcap_scan"
# shellcheck source=capture.bash
source "$(dirname "${BASH_SOURCE[0]}")/capture.bash"
need_capture tcpdump dumpcap tshark openssl python3 ss
[ -x "$scan" ] || { echo "missing $scan" >&2; exit 1; }

port=$(free_port)
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/key.pem" -out "$tmp/cert.pem" -days 1 \
  -subj /CN=localhost 2>/dev/null

timeout 120 tcpdump -i any -U --immediate-mode -B 32768 -Z root -s 0 -w "$tmp/any.pcap" \
  "tcp port $port" 2>"$tmp/tcpdump.log" &
pids+=("$!")
timeout 120 dumpcap -i lo -f "tcp port $port" -w "$tmp/lo.pcapng" 2>"$tmp/dumpcap.log" &
pids+=("$!")
# A machine that forbids capturing (no CAP_NET_RAW in a container) is a skip, not a failure.
capturing() { # LOG PATTERN PID
  for _ in $(seq 1 100); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    kill -0 "$3" 2>/dev/null || skip "cannot capture here: $(tr '\n' ' ' <"$1")"
    sleep 0.1
  done
  skip "cannot capture here: $(tr '\n' ' ' <"$1")"
}
capturing "$tmp/tcpdump.log" "listening on" "${pids[0]}"
capturing "$tmp/dumpcap.log" "Capturing on" "${pids[1]}"
sleep 0.5

# session SERVER_OPTS CLIENT_OPTS: one HTTP request over TLS, the server exits after it.
session() {
  : >"$tmp/server.log"
  # shellcheck disable=SC2086
  timeout 20 openssl s_server -accept "$port" -cert "$tmp/cert.pem" -key "$tmp/key.pem" \
    -naccept 1 -www $1 </dev/null >"$tmp/server.log" 2>&1 &
  local sp=$!
  pids+=("$sp")
  wait_for "$tmp/server.log" "ACCEPT" 10
  # shellcheck disable=SC2086
  printf 'GET / HTTP/1.0\r\n\r\n' | timeout 20 openssl s_client -connect "127.0.0.1:$port" \
    -servername localhost -ign_eof $2 >"$tmp/client.log" 2>&1 ||
    { echo "s_client failed ($2):" >&2; cat "$tmp/client.log" >&2; exit 1; }
  wait "$sp" || true
  unset 'pids[-1]'
}

session "" "-tls1_3 -ciphersuites TLS_AES_128_GCM_SHA256"
session "-groups P-256" "-tls1_3 -groups X25519:P-256"
session "" "-tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256"
session "" "-tls1_2 -cipher AES128-SHA256"
# Stop only once the files stop growing: a capturer killed early loses what it had not
# written yet. (-B: tcpdump's default 2 MiB ring holds only a few 64 KiB loopback frames
# and the kernel drops the rest of a burst.)
last=""
for _ in $(seq 1 40); do
  sleep 0.5
  now=$(stat -c %s "$tmp/any.pcap" "$tmp/lo.pcapng" | tr '\n' ' ')
  [ "$now" = "$last" ] && break
  last=$now
done
sleep 0.5
kill "${pids[0]}" "${pids[1]}"
wait "${pids[0]}" "${pids[1]}" || true
pids=()

# Expected per session, in order: version suite hrr ems etm cke_len
expect="0x0304 0x1301 1=0 0 0 0
0x0304 0x1302 1=1 0 0 0
0x0303 0xc02f 1=0 1 0 33
0x0303 0x003c 1=0 1 1 258"

# A capturer that lost packets in the kernel made an incomplete file: not ours to check.
drops_any=$(sed -n 's/^\([0-9]*\) packets\{0,1\} dropped by kernel.*/\1/p' "$tmp/tcpdump.log")
drops_lo=$(sed -n "s/^Packets received\/dropped on interface .*: [0-9]*\/\([0-9]*\).*/\1/p" \
  "$tmp/dumpcap.log")
fail=0
checked=0
for cap in any.pcap lo.pcapng; do
  drops=$drops_any
  [ "$cap" = lo.pcapng ] && drops=$drops_lo
  if [ "${drops:-x}" != 0 ]; then
    echo "$cap: the capturer dropped '${drops:-?}' packets; not checked"
    continue
  fi
  checked=$((checked + 1))
  "$scan" "$tmp/$cap" >"$tmp/scan.txt"
  tshark -r "$tmp/$cap" -d "tcp.port==$port,tls" -Y "tls.handshake.type == 1 || tls.handshake.type == 2" \
    -T fields -e tcp.stream -e tls.handshake.type -e tls.handshake.random \
    -e tls.handshake.ciphersuite -e tls.handshake.version \
    -e tls.handshake.extensions.supported_version >"$tmp/tshark.txt" 2>/dev/null
  if ! python3 - "$tmp/scan.txt" "$tmp/tshark.txt" "$expect" "$cap" <<'EOF'; then
import re, sys
scan, shark, expect, cap = open(sys.argv[1]).read(), open(sys.argv[2]).read(), sys.argv[3], sys.argv[4]
ok = True
def bad(msg):
    global ok
    ok = False
    print(f"{cap}: {msg}", file=sys.stderr)

head = scan.splitlines()[0]
if " malformed=0 " not in head or " connections=4" not in head:
    bad(f"summary: {head}")
want_link = "link=276" if cap.endswith(".pcap") else "link=1"
if not head.startswith(want_link):
    bad(f"link type: {head}")

ours = []
for m in re.finditer(r"tls (\S+) version=(\S+) suite=(\S+) sni=(\S+) hrr=(\d) ems=(\d) etm=(\d) "
                     r"resumed=(\d) ch=(\d) sh=(\d) cke=(\d+)\n  client_random=(\S+) server_random=(\S+)", scan):
    ours.append(m.groups())
for i, line in enumerate(expect.splitlines()):
    v, suite, hrr, ems, etm, cke = line.split()
    if i >= len(ours):
        bad(f"session {i} missing")
        continue
    o = ours[i]
    got = (o[0], o[1], o[2], o[3], "1=" + o[4], o[5], o[6], o[10], o[8], o[9])
    want = ("ok", v, suite, "localhost", hrr, ems, etm, cke, "1", "1")
    if got != want:
        bad(f"session {i}: got {got}, want {want}")

# tshark as the oracle: first ClientHello and last ServerHello (after any HRR) per stream.
streams = {}
for row in shark.splitlines():
    f = row.split("\t")
    s = streams.setdefault(int(f[0]), {})
    types = f[1].split(",")  # a frame may carry several handshake messages
    if "1" in types:
        s.setdefault("cr", f[2].replace(":", ""))
    elif "2" in types:
        s["sr"] = f[2].replace(":", "")
        s["suite"] = f[3]
        s["version"] = f[5] or f[4]
for i, o in enumerate(ours):
    s = streams.get(i, {})
    if (o[11], o[12], o[2], o[1]) != (s.get("cr"), s.get("sr"), s.get("suite"), s.get("version")):
        bad(f"session {i}: ours {o[11]} {o[12]} {o[2]} {o[1]}, tshark {s}")
sys.exit(0 if ok else 1)
EOF
    fail=1
    cat "$tmp/scan.txt" "$tmp/tcpdump.log" "$tmp/dumpcap.log" >&2
  fi
done
[ $checked -gt 0 ] || skip "both capturers dropped packets"
[ $fail -eq 0 ] && echo "capture_openssl: 4 sessions in $checked captures match tshark"
exit $fail
