#!/usr/bin/env bash
# `glasstls explain` runs its four connections, each side derives the same
# secrets, and the output names the values and formulas a reader needs.
set -euo pipefail
bin="$GLS_BUILD/glasstls"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$bin" explain --no-color >"$out"
for want in "TLS 1.2 with RSA key exchange" "TLS 1.2 with ECDHE" "TLS 1.3 with X25519" \
    "TLS 1.3 with X25519MLKEM768 (post-quantum hybrid)" \
    "secret pre_master_secret" "secret extended_master_secret" "secret client_write_key" \
    "secret c hs traffic" "secret Master Secret" "What the four connections show"; do
    grep -q -- "$want" "$out" || { echo "missing: $want"; exit 1; }
done
n=$(grep -c "The server derived the same value for" "$out")
[ "$n" -eq 4 ] || { echo "expected 4 agreement checks, got $n"; exit 1; }
if grep "The server derived the same value" "$out" | grep -vE "for ([0-9]+) of the client's \1 secrets"; then
    echo "a secret differs between client and server"; exit 1
fi
# the forward-secrecy lesson: the RSA session comes back from the recording and the key,
# byte for byte; the ECDHE and TLS 1.3 sessions do not, for the stated reason
grep -q "== The forward-secrecy lesson" "$out" || { echo "no lesson"; exit 1; }
grep -qF 'recovered client -> server: "GET /secret HTTP/1.1\r\nHost: localhost\r\n\r\n"' "$out" ||
    { echo "request not recovered"; exit 1; }
grep -qF 'recovered server -> client: "HTTP/1.1 200 OK\r\nContent-Length: 22\r\n\r\nthe vault code is 4711"' "$out" ||
    { echo "reply not recovered"; exit 1; }
grep -q "the recovered plaintext equals what was sent" "$out" || { echo "plaintext differs"; exit 1; }
grep -q "formula: RSA-decrypt(server private key" "$out" || { echo "no decrypted pre-master"; exit 1; }
[ "$(grep -c "cannot be decrypted: forward secret" "$out")" -eq 3 ] ||
    { echo "expected 3 forward-secret refusals"; exit 1; }
# the server key opens one recording; the ticket key the two TLS 1.2 ones, not TLS 1.3; the
# quantum adversary the X25519 TLS 1.3 one, not the hybrid
[ "$(grep -c "recovered client -> server" "$out")" -eq 4 ] || { echo "wrong amount recovered"; exit 1; }
grep -q "== The same recordings, and a leaked ticket key" "$out" || { echo "no ticket scenario"; exit 1; }
[ "$(grep -c "formula: unsealed from the NewSessionTicket" "$out")" -eq 2 ] ||
    { echo "the ticket key did not open both TLS 1.2 recordings"; exit 1; }
[ "$(grep -c "cannot be decrypted: TLS 1.3 sends its NewSessionTicket encrypted" "$out")" -eq 2 ] ||
    { echo "TLS 1.3 not refused for the ticket key"; exit 1; }
grep -q "What rotation buys" "$out" || { echo "no rotation paragraph"; exit 1; }
# record now, decrypt later: X25519 opens to the known plaintext key by key, the hybrid does not
python3 - "$out" <<'EOF'
import sys
text = open(sys.argv[1]).read()
q = text.split("== Record now, decrypt later")[1].split("\n== ")[0]
x, hyb = q.split("  TLS 1.3 with X25519: ")[1].split("  TLS 1.3 with X25519MLKEM768")
for want in ("its private key, as Shor's algorithm would compute it", "X25519 shared secret = ",
             "Handshake Secret = ", "s hs traffic = ", "c ap traffic = ", "s ap traffic = ",
             "client_application_write_key = "):
    assert want in x, want
assert 'recovered client -> server: "GET /secret HTTP/1.1\\r\\nHost: localhost\\r\\n\\r\\n"' in x, x[-600:]
assert 'recovered server -> client: "HTTP/1.1 200 OK\\r\\nContent-Length: 22\\r\\n\\r\\nthe vault code is 4711"' in x
assert "the recovered plaintext equals what was sent" in x
assert "1216-byte hybrid share" in hyb and "1088-byte ML-KEM ciphertext" in hyb
assert "ML-KEM-768 shared secret: UNKNOWN" in hyb and "Handshake Secret = " in hyb
assert "recovered" not in hyb.split("* What the hybrid")[0].replace("X25519 part is recovered", "")
assert "cannot be decrypted: the server's first protected record (EncryptedExtensions) does not open" in hyb
flat = " ".join(q.split())
for want in ("module-LWE", "needs both", "authentication is still classical",
             "quantum computer at connection time", "ML-DSA"):
    assert want in flat, want
EOF
# why symmetric keys: the timing section, and the answer quotes its numbers
grep -qE "^  takes [0-9]+ µs \([0-9]+ timed\)" "$out" || { echo "no RSA time"; exit 1; }
grep -qE "AES-128-GCM encrypts [0-9]+ MB/s" "$out" || { echo "no AES throughput"; exit 1; }
grep -q "would need 4082 private-key operations" "$out" || { echo "no 1 MB count"; exit 1; }
tr '\n' ' ' <"$out" | grep -E "\* Bulk data uses symmetric keys because .* took [0-9]+ +µs" >/dev/null ||
    { echo "the answer does not quote the timing"; exit 1; }

# --json (docs/explain-json.md): one object that parses, with the documented keys and types
json=$(mktemp)
trap 'rm -f "$out" "$json"' EXIT
"$bin" explain --json >"$json"
python3 -c 'import json,sys; json.load(sys.stdin)' <"$json"
if LC_ALL=C grep -q '[^ -~]' "$json"; then echo "JSON not plain ASCII"; exit 1; fi
python3 - "$json" <<'EOF'
import json, re, sys
d = json.load(open(sys.argv[1]))
S, N, B, L, D, I, F = str, type(None), bool, list, dict, int, float
def need(obj, spec, where):
    assert isinstance(obj, dict), where
    for key, types in spec.items():
        types = types if isinstance(types, tuple) else (types,)
        assert key in obj, f"{where}: no {key}"
        v = obj[key]
        ok = isinstance(v, types) and not (isinstance(v, bool) and bool not in types)
        assert ok, f"{where}.{key}: {v!r}"
need(d, {"schema": I, "ok": B, "sessions": L, "lesson": D, "quantum_lesson": D, "speed": D,
         "answers": L}, "top")
assert d["schema"] == 1 and d["ok"] is True
titles = [s["title"] for s in d["sessions"]]
assert len(titles) == 4 and titles[0].startswith("TLS 1.2 with RSA"), titles
for s in d["sessions"]:
    need(s, {"title": S, "flag": S, "handshake_done": B, "error": (S, N), "version": (S, N),
             "suite": (S, N), "key_exchange": (S, N), "group": (S, N),
             "forward_secret": (B, N), "events": L, "secrets": L, "agreement": D}, s["title"])
    assert s["handshake_done"] and s["error"] is None, s["title"]
    for e in s["events"]:
        need(e, {"side": S, "text": S}, "event")
        assert e["side"] in ("client", "server")
    for x in s["secrets"]:
        need(x, {"side": S, "name": S, "value_hex": S, "formula": S, "who": (S, N), "len": I},
             "secret")
        assert len(bytes.fromhex(x["value_hex"])) == x["len"] > 0, x
    a = s["agreement"]
    need(a, {"same": I, "total": I}, "agreement")
    assert a["same"] == a["total"] > 0, (s["title"], a)
    assert a["total"] == sum(x["side"] == "client" for x in s["secrets"])
    assert any(e["text"].startswith("-> ClientHello") for e in s["events"])
assert [s["forward_secret"] for s in d["sessions"]] == [False, True, True, True]
assert [s["version"] for s in d["sessions"]] == ["TLS 1.2", "TLS 1.2", "TLS 1.3", "TLS 1.3"]
assert [s["group"] for s in d["sessions"]] == [None, "x25519", "x25519", "X25519MLKEM768"]
# the library's formula and who-text follow the group: the hybrid's secret is both, ML-KEM first
def first(sess, name):
    return next(x for x in sess["secrets"] if x["side"] == "client" and x["name"] == name)
x13, hy = d["sessions"][2], d["sessions"][3]
assert first(hy, "(EC)DHE shared secret")["len"] == 64 and first(x13, "(EC)DHE shared secret")["len"] == 32
assert "X25519MLKEM768 = ML-KEM-768 shared secret (32 bytes) || X25519 shared secret" in first(hy, "(EC)DHE shared secret")["formula"]
assert "ML-KEM" not in first(x13, "(EC)DHE shared secret")["formula"]
assert "BOTH" in first(hy, "Handshake Secret")["who"] and "ML-KEM" in first(hy, "Handshake Secret")["who"]
assert "ML-KEM" not in first(x13, "Handshake Secret")["who"]
assert hy["inputs"]["hybrid_matches_reported"] is True
assert hy["inputs"]["hybrid_shared_secret"] == first(hy, "(EC)DHE shared secret")["value_hex"]
lessons = d["lesson"]["sessions"]
assert [l["title"] for l in lessons] == titles
for l in lessons:
    need(l, {"title": S, "flag": S, "decrypted": B, "steps": L}, "lesson")
    for st in l["steps"]:
        need(st, {"name": S, "value_hex": S, "formula": S}, "step")
assert [l["decrypted"] for l in lessons] == [True, False, False, False]
tk = d["lesson"]["ticket_key_sessions"]
assert [l["decrypted"] for l in tk] == [True, True, False, False], tk
assert tk[2]["reason_code"] == tk[3]["reason_code"] == "ticket_encrypted" and "rotation" in d["lesson"]["ticket_rotation"]
assert all(l["matches_sent"] for l in tk[:2])
rsa = lessons[0]
assert rsa["matches_sent"] is True and "reason" not in rsa
assert rsa["plaintext"] == {
    "client_to_server": "GET /secret HTTP/1.1\r\nHost: localhost\r\n\r\n",
    "server_to_client": "HTTP/1.1 200 OK\r\nContent-Length: 22\r\n\r\nthe vault code is 4711"}
assert rsa["steps"][0]["name"] == "pre_master_secret"
assert rsa["steps"][0]["formula"].startswith("RSA-decrypt(server private key")
pms = [x["value_hex"] for x in d["sessions"][0]["secrets"] if x["name"] == "pre_master_secret"]
assert len(pms) == 2 and all(v == rsa["steps"][0]["value_hex"] for v in pms)
for l in lessons[1:]:
    need(l, {"reason_code": S, "reason": S}, "refusal")
    assert l["reason_code"] == "forward_secret" and "plaintext" not in l
sp = d["speed"]
need(sp, {"rsa_bits": I, "rsa_private_ops_timed": I, "rsa_private_op_us": (I, F),
          "aes_128_gcm_bytes_timed": I, "aes_128_gcm_bytes_per_second": (I, F),
          "aes_128_gcm_kb_per_rsa_op": (I, F), "rsa_max_bytes_per_op": I, "rsa_ops_per_mb": I,
          "mb_rsa_seconds": (I, F), "mb_aes_seconds": (I, F)}, "speed")
assert all(v > 0 for v in sp.values()), sp
q = d["quantum_lesson"]
need(q, {"adversary": S, "sessions": L, "rests_on": S, "does_not_protect": S}, "quantum_lesson")
assert [l["title"] for l in q["sessions"]] == titles[2:]
for l in q["sessions"]:
    need(l, {"title": S, "flag": S, "group": S, "recorded": D, "client_x25519_share": S,
             "client_x25519_private_key": S, "server_x25519_share": S,
             "x25519_shared_secret": S, "mlkem_shared_secret_known": B,
             "attempted_shared_secret": S, "attempt_formula": S, "decrypted": B, "steps": L},
         l["title"])
x, hyb = q["sessions"]
assert x["decrypted"] is True and x["matches_sent"] is True and x["mlkem_shared_secret_known"]
assert x["plaintext"] == rsa["plaintext"]
assert x["attempted_shared_secret"] == x["x25519_shared_secret"]
names = [st["name"] for st in x["steps"]]
for want in ("(EC)DHE shared secret", "Handshake Secret", "s hs traffic", "Master Secret",
             "c ap traffic", "s ap traffic", "client_application_write_key"):
    assert want in names, want
# the adversary's X25519 secret is the one the connection used, and its keys are the client's
dhe = {s["title"]: [v["value_hex"] for v in s["secrets"] if v["name"] == "(EC)DHE shared secret"]
       for s in d["sessions"][2:]}
assert dhe[x["title"]][0] == x["x25519_shared_secret"]
cap = [v["value_hex"] for v in d["sessions"][2]["secrets"] if v["name"] == "c ap traffic"]
assert cap[0] == [st["value_hex"] for st in x["steps"] if st["name"] == "c ap traffic"][0]
assert hyb["decrypted"] is False and hyb["reason_code"] == "wrong_key" and "plaintext" not in hyb
assert hyb["mlkem_shared_secret_known"] is False and hyb["group"] == "X25519MLKEM768"
assert dhe[hyb["title"]][0][64:] == hyb["x25519_shared_secret"], "the X25519 half was recovered"
assert dhe[hyb["title"]][0] != hyb["attempted_shared_secret"]
assert hyb["attempted_shared_secret"] == "00" * 32 + hyb["x25519_shared_secret"]
assert "EncryptedExtensions" in hyb["reason"]
assert "module-LWE" in q["rests_on"] and "classical" in q["does_not_protect"]
assert sp["rsa_bits"] == 2048 and sp["rsa_max_bytes_per_op"] == 245
assert sp["rsa_ops_per_mb"] == 4082 and sp["rsa_private_ops_timed"] >= 3
assert sp["mb_rsa_seconds"] > sp["mb_aes_seconds"]
assert len(d["answers"]) == 7
for a in d["answers"]:
    need(a, {"question": S, "answer": S}, "answer")
sym = [a["answer"] for a in d["answers"] if "symmetric" in a["question"]]
assert len(sym) == 1, sym
took = re.search(r"took (\d+) \u00b5s", sym[0])
assert took and abs(int(took.group(1)) - sp["rsa_private_op_us"]) <= 1, sym
assert "would need 4082 of them" in sym[0]
EOF
# --json with one session: that session only; the lesson, timing and answers need all three
"$bin" explain --json --tls1.3 | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["schema"] == 1 and d["ok"] is True and set(d) == {"schema", "ok", "sessions"}, d.keys()
assert len(d["sessions"]) == 1 and d["sessions"][0]["version"] == "TLS 1.3"
a = d["sessions"][0]["agreement"]
assert a["same"] == a["total"] > 0'

# issue 11's false lines: formulas and who-text by the session's own key exchange
python3 - "$out" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
parts = text.split("\n== ")
rsa, ecdhe, tls13 = parts[0], parts[1], parts[2]
def secret(part, name):
    m = re.search(r"secret " + re.escape(name) + r" \(.*?\n(.*?)(?=\n  \S)", part, re.S)
    assert m, name
    return m.group(1)
assert "encrypted to the server's RSA key" in secret(rsa, "pre_master_secret")
pms = secret(ecdhe, "pre_master_secret")
assert "RSA" not in pms and "ECDH(own ephemeral private key" in pms, pms
assert "nobody else" not in text.replace("nobody else without an ephemeral private key", "")
assert "ticket key" in secret(ecdhe, "extended_master_secret")
early = secret(tls13, "Early Secret")
assert "public constant" in early and "PSK or" not in early, early
assert "public constant" in secret(tls13, "derived (for handshake)")
assert "without any of them crossing the wire" not in text
assert "verify_data (encrypted)" in text
flat = text.replace("\n  ", " ")
assert "psk_ke" in flat and "every handshake is (EC)DHE" not in flat
assert text.count("one value, three names: \"c hs traffic\"") == 1
assert "the server's Finished is its only proof" in flat
assert "against this system's trust store: refused" in text
assert "installed as a trust anchor: verified" in text
EOF
# --seed: two runs agree byte for byte except the timings; another seed differs; one session
# alone repeats the same session of the whole run
a=$(mktemp); b=$(mktemp); c=$(mktemp); one=$(mktemp)
trap 'rm -f "$out" "$json" "$a" "$b" "$c" "$one"' EXIT
"$bin" explain --seed 7 --json >"$a"
"$bin" explain --seed 7 --json >"$b"
"$bin" explain --seed 8 --json >"$c"
"$bin" explain --seed 7 --json --tls1.3 >"$one"
python3 - "$a" "$b" "$c" "$one" <<'EOF'
import json, sys
a, b, c, one = (json.load(open(p)) for p in sys.argv[1:])
for d in (a, b, c):
    del d["speed"], d["answers"]
assert a == b, "two runs with --seed 7 differ"
assert a["sessions"][0]["inputs"]["client_random"] != c["sessions"][0]["inputs"]["client_random"]
assert one["sessions"][0] == a["sessions"][2], "--tls1.3 alone differs from the whole run's"
assert [s["inputs"]["read_back"] for s in a["sessions"]] == [True, True, True, True]
EOF
if "$bin" explain --seed x >/dev/null 2>&1; then echo "bad --seed accepted"; exit 1; fi

# several session options run each of them
[ "$("$bin" explain --tls1.2-rsa --tls1.3 --no-color | grep -c '^== ')" -eq 2 ]

# one session only, and bad arguments
[ "$("$bin" explain --tls1.3 --no-color | grep -c '^== ')" -eq 1 ]
if "$bin" explain --bogus >/dev/null 2>&1; then echo "bad option accepted"; exit 1; fi
echo "1 passed, 0 failed"
