#!/usr/bin/env bash
# tests/tool/decrypt_hostile.sh — `glasstls decrypt` on a capture written here (no root
# needed): one connection whose ClientHello carries a server name with a terminal escape
# sequence and a backslash, answered by a fatal handshake_failure alert. The text output must
# escape the name (no raw control byte reaches the terminal), the session must be reported as
# a failed handshake (not "not_tls"), and the exit status must be 3 (not every session opened).
set -euo pipefail
bin="${GLS_BUILD:?GLS_BUILD is not set}/glasstls"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 - "$tmp/cap.pcap" <<'PY'
import struct, sys
def u16(v): return struct.pack(">H", v)
def vec(b, n): return len(b).to_bytes(n, "big") + b
name = b"\x1b[31mevil\\host"
sni = u16(0) + vec(vec(b"\x00" + vec(name, 2), 2), 2)
exts = vec(sni, 2)
body = u16(0x0303) + bytes(32) + vec(b"", 1) + vec(u16(0xc02f), 2) + vec(b"\x00", 1) + exts
ch = b"\x01" + len(body).to_bytes(3, "big") + body
c2s = b"\x16\x03\x01" + vec(ch, 2)
s2c = b"\x15\x03\x03\x00\x02\x02\x28"
def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack(f">{len(b)//2}H", b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
def pkt(src, dst, sport, dport, seq, ack, flags, data=b""):
    tcp = struct.pack(">HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0) + data
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0, 64, 6, 0, src, dst)
    ip = ip[:10] + u16(csum(ip)) + ip[12:]
    return b"\0" * 12 + b"\x08\x00" + ip + tcp
a, b = bytes([127, 0, 0, 1]), bytes([127, 0, 0, 2])
frames = [pkt(a, b, 40000, 443, 100, 0, 0x02), pkt(b, a, 443, 40000, 500, 101, 0x12),
          pkt(a, b, 40000, 443, 101, 501, 0x10), pkt(a, b, 40000, 443, 101, 501, 0x18, c2s),
          pkt(b, a, 443, 40000, 501, 101 + len(c2s), 0x18, s2c)]
out = open(sys.argv[1], "wb")
out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
for i, f in enumerate(frames):
    out.write(struct.pack("<IIII", 1700000000, i, len(f), len(f)) + f)
PY
rc=0
"$bin" decrypt "$tmp/cap.pcap" >"$tmp/out.txt" || rc=$?
[ "$rc" -eq 3 ] || { echo "exit $rc, want 3"; cat "$tmp/out.txt"; exit 1; }
if LC_ALL=C grep -q $'\x1b' "$tmp/out.txt"; then echo "raw escape byte in the output"; exit 1; fi
grep -qF 'SNI \x1b[31mevil\x5chost' "$tmp/out.txt" || { echo "SNI not escaped:"; cat "$tmp/out.txt"; exit 1; }
grep -q "cannot decrypt: the handshake failed: the server sent a fatal alert 40" "$tmp/out.txt" ||
  { echo "no failed-handshake reason:"; cat "$tmp/out.txt"; exit 1; }
rc=0
"$bin" decrypt "$tmp/cap.pcap" --json >"$tmp/out.json" || rc=$?
[ "$rc" -eq 3 ] || { echo "--json exit $rc, want 3"; exit 1; }
/usr/bin/python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))["sessions"]
assert len(s) == 1 and s[0]["reason"]["code"] == "handshake_failed", s
assert s[0]["sni"] == "\x1b[31mevil\\host", s[0]["sni"]' "$tmp/out.json"
echo "1 passed, 0 failed"
