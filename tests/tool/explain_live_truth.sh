#!/usr/bin/env bash
# tests/tool/explain_live_truth.sh — `glasstls client --explain` against `glasstls server`
# (127.0.0.1, a free port) for the sessions explain's own run never makes: SHA-384 suites,
# CBC and ChaCha20 in TLS 1.2, a HelloRetryRequest into the hybrid, SecP256r1MLKEM768, client
# certificates in both versions. Python recomputes from the printed inputs what the printed
# formulas say (the TLS 1.2 extended and classic master secrets, a TLS 1.3 handshake traffic
# secret from the printed transcript hash, each Finished from the hash it is said to use, the
# hybrid shared secret from its printed halves) and compares byte for byte, and the server's
# own key log must hold the same secrets. An earlier edition hashed every transcript with
# SHA-256, ignored message_hash after a HelloRetryRequest, called the client's certificate the
# server's, said AES-128-GCM of every suite and split no hybrid share in --explain.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/capture.bash"
bin="$GLS_BUILD/glasstls"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/rsa.key" -out "$tmp/rsa.pem" \
    -subj /CN=localhost -days 2 2>/dev/null
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$tmp/cli.key" \
    -out "$tmp/cli.pem" -subj /CN=client -days 2 2>/dev/null
rsa=(--cert "$tmp/rsa.pem" --key "$tmp/rsa.key")
auth=(--verify-client --cafile "$tmp/cli.pem")
mine=(--cert "$tmp/cli.pem" --key "$tmp/cli.key")

# live NAME "SERVER ARGS" CLIENT ARGS...: one explained connection, its text in $tmp/NAME.out
# and the server's key log in $tmp/NAME.keylog
live() {
    local name=$1 sargs=$2 port
    shift 2
    port=$(free_port)
    # shellcheck disable=SC2086
    "$bin" server --port "$port" --max 1 --keylog "$tmp/$name.keylog" $sargs >"$tmp/$name.srv" 2>&1 &
    pids+=($!)
    wait_for "$tmp/$name.srv" "listening on" 10
    "$bin" client "127.0.0.1:$port" --servername localhost --insecure --explain "$@" \
        >"$tmp/$name.out" 2>&1 || { cat "$tmp/$name.out"; echo "FAIL: $name"; exit 1; }
}

live t13-sha384 "" --ciphers TLS_AES_256_GCM_SHA384
live t13-hrr-hybrid "" --groups x25519,X25519MLKEM768
live t13-p256-hybrid "--groups SecP256r1MLKEM768,x25519" --groups SecP256r1MLKEM768
live t13-client-cert "${rsa[*]} ${auth[*]}" --tls1.3 "${mine[@]}"
live t12-cbc-sha384 "${rsa[*]}" --tls1.2 --ciphers ECDHE-RSA-AES256-SHA384
live t12-chacha "${rsa[*]}" --tls1.2 --ciphers ECDHE-RSA-CHACHA20-POLY1305
live t12-client-cert "${rsa[*]} ${auth[*]}" --tls1.2 "${mine[@]}"
live t12-dhe-sha384 "${rsa[*]}" --tls1.2 --ciphers DHE-RSA-AES256-GCM-SHA384
# --resume: both connections explained, the second a resumption; --keylog still written
# by IP address: no SNI is sent, and the observer is not said to have seen a server name
port=$(free_port)
"$bin" server --port "$port" --max 1 >"$tmp/by-ip.srv" 2>&1 &
pids+=($!)
wait_for "$tmp/by-ip.srv" "listening on" 10
"$bin" client "127.0.0.1:$port" --insecure --explain >"$tmp/by-ip.out" 2>&1 ||
    { cat "$tmp/by-ip.out"; echo "FAIL: by-ip"; exit 1; }
grep -q "What an observer of the wire learned: (no server name was sent: an IP address)" "$tmp/by-ip.out" ||
    { echo "FAIL: by-ip: a server name is said to have been seen"; exit 1; }
grep -q "What an observer of the wire learned: the server name (SNI)" "$tmp/t13-sha384.out" ||
    { echo "FAIL: the SNI sent is not named"; exit 1; }
live t13-resume "--max 2" --tls1.3 --resume --keylog "$tmp/t13-resume.client-keylog"
live t12-resume "${rsa[*]} --max 2" --tls1.2 --resume --keylog "$tmp/t12-resume.client-keylog"

python3 - "$tmp" <<'EOF'
import hashlib, hmac, os, re, sys
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
tmp = sys.argv[1]

def parse(name, part=0):
    text = open(os.path.join(tmp, name + ".out")).read()
    text = text.split("--- second connection (resumption) ---")[part]
    sec = {}
    for m in re.finditer(r"^  client secret (.+?) \((\d+) bytes\)\n\s+= ([0-9a-f]+)$", text, re.M):
        sec.setdefault(m.group(1), bytes.fromhex(m.group(3)))
        assert len(bytes.fromhex(m.group(3))) == int(m.group(2)), m.group(0)
    hashes = {}
    for m in re.finditer(r"^      Hash\((.+?)\) = ([0-9a-f]+)\n        used by: (.+)$", text, re.M):
        for use in m.group(3).split(", "):
            hashes[use] = (m.group(1), bytes.fromhex(m.group(2)))
    inputs = {}
    for m in re.finditer(r"^    (\S.*?) = ([0-9a-f]+)$", text, re.M):
        inputs.setdefault(m.group(1), bytes.fromhex(m.group(2)))
    log = {}
    cr = inputs.get("client_random (in ClientHello)", b"").hex()
    for line in open(os.path.join(tmp, name + ".keylog")):
        label, r, v = line.split()
        if r == cr:
            log[label] = bytes.fromhex(v)
    return text, sec, hashes, inputs, log

def hkdf_extract(h, salt, ikm):
    return hmac.new(salt, ikm, h).digest()

def expand_label(h, secret, label, ctx, n):
    info = n.to_bytes(2, "big") + bytes([6 + len(label)]) + b"tls13 " + label.encode() + bytes([len(ctx)]) + ctx
    out, t, i = b"", b"", 1
    while len(out) < n:
        t = hmac.new(secret, t + info + bytes([i]), h).digest()
        out += t
        i += 1
    return out[:n]

def prf(h, secret, label, seed, n):
    seed = label.encode() + seed
    a, out = seed, b""
    while len(out) < n:
        a = hmac.new(secret, a, h).digest()
        out += hmac.new(secret, a + seed, h).digest()
    return out[:n]

def inp(inputs, prefix):
    hits = [v for k, v in inputs.items() if k.startswith(prefix)]
    assert len(hits) == 1, (prefix, list(inputs))
    return hits[0]

def check13(name, hashname, hlen, part=0):
    text, sec, hs, inputs, log = parse(name, part)
    h = getattr(hashlib, hashname)
    assert f"transcript hashes ({hashname.upper().replace('SHA', 'SHA-')}, the suite's hash" in text, name
    covers, th = hs["c hs traffic"]
    assert len(th) == hlen, name
    # the formula Derive-Secret(Handshake Secret, "c hs traffic", ClientHello...ServerHello) with
    # the printed hash gives the printed secret, which is the server's own
    chs = expand_label(h, sec["Handshake Secret"], "c hs traffic", th, hlen)
    assert chs == sec["c hs traffic"] == log["CLIENT_HANDSHAKE_TRAFFIC_SECRET"], name
    derived = expand_label(h, sec["Early Secret"], "derived", h(b"").digest(), hlen)
    assert hkdf_extract(h, derived, sec["(EC)DHE shared secret"]) == sec["Handshake Secret"], name
    # each Finished from the transcript hash said to be its input
    for who in ("server", "client"):
        key = expand_label(h, sec[f"{'s' if who == 'server' else 'c'} hs traffic"], "finished", b"", hlen)
        assert key == sec[f"{who} finished_key"], name
        vd = hmac.new(key, hs[f"{who} Finished verify_data"][1], h).digest()
        assert vd == sec[f"{who} Finished verify_data"], (name, who, hs[f"{who} Finished verify_data"][0])
    if "ephemeral private key (this process made it" in text:
        assert "the client's private key is shown only because this process is" in " ".join(text.split())
    assert "client and\n    server run in this process" not in text, name
    return text, sec, hs, inputs, log

def check12(name, hashname, cipher, mac, enc, iv):
    text, sec, hs, inputs, log = parse(name)
    h = getattr(hashlib, hashname)
    assert f"transcript hashes ({hashname.upper().replace('SHA', 'SHA-')}, the suite's hash" in text, name
    cr, sr = inp(inputs, "client_random"), inp(inputs, "server_random")
    pms = sec["pre_master_secret"]
    sh = inp(inputs, "session_hash = Hash(ClientHello...ClientKeyExchange)")
    assert hs["session_hash for extended_master_secret"][1] == sh, name
    ems = prf(h, pms, "extended master secret", sh, 48)
    assert ems == sec["extended_master_secret"] == inp(inputs, "extended_master_secret (used)"), name
    assert ems == log["CLIENT_RANDOM"], name
    assert prf(h, pms, "master secret", cr + sr, 48) == inp(inputs, "master_secret (classic"), name
    kb = 2 * (mac + enc + iv)
    assert f"key lengths ({cipher}): mac_key_length {mac}, enc_key_length {enc}, fixed_iv_length {iv};" in text, name
    assert f"key_block = 2 * ({mac} + {enc} + {iv}) = {kb} bytes" in text, name
    assert prf(h, ems, "key expansion", sr + cr, kb) == sec["key_block"], name
    for who in ("client", "server"):
        covers, th = hs[f"the {who}'s verify_data"]
        assert prf(h, ems, f"{who} finished", th, 12) == sec[f"{who} verify_data"], (name, who, covers)
    return text, sec, hs, inputs, log

check13("t13-sha384", "sha384", 48)
text, sec, hs, inputs, log = check13("t13-hrr-hybrid", "sha256", 32)
assert hs["c hs traffic"][0] == "message_hash, HelloRetryRequest, ClientHello...ServerHello"
assert re.search(r"^      server HelloRetryRequest ", text, re.M) and not re.search(r"^      server ClientHello", text, re.M)
# the hybrid shared secret: ML-KEM-768 half || X25519 half, the X25519 half recomputed here
priv = inp(inputs, "client ephemeral private key")
x = X25519PrivateKey.from_private_bytes(priv).exchange(
    X25519PublicKey.from_public_bytes(inp(inputs, "server X25519 share")))
kem = inp(inputs, "ML-KEM-768 shared secret")
assert x == inp(inputs, "X25519 shared secret") and len(kem) == 32
assert kem + x == inp(inputs, "shared secret = ML-KEM-768 shared secret || X25519 shared secret") == sec["(EC)DHE shared secret"]
pub = X25519PrivateKey.from_private_bytes(priv).public_key().public_bytes_raw()
assert inp(inputs, "client public share") == pub
assert re.search(r"client ML-KEM-768 encapsulation key \(share bytes 0\.\.1183, on the wire\) = [0-9a-f]+\.\.\. \(1184 bytes", text)
assert re.search(r"server ML-KEM-768 ciphertext \(share bytes 0\.\.1087, on the wire\) = [0-9a-f]+\.\.\. \(1088 bytes", text)
text, sec, hs, inputs, log = check13("t13-p256-hybrid", "sha256", 32)
p256, kem = inp(inputs, "P-256 shared secret"), inp(inputs, "ML-KEM-768 shared secret")
assert p256 + kem == inp(inputs, "shared secret = P-256 shared secret || ML-KEM-768 shared secret") == sec["(EC)DHE shared secret"]
assert len(inp(inputs, "server P-256 share")) == 65 and "equals the (EC)DHE shared secret" in text
text, sec, hs, inputs, log = check13("t13-client-cert", "sha256", 32)
assert hs["client Finished verify_data"][0] == "ClientHello...client CertificateVerify"
assert re.search(r"^      client Certificate ", text, re.M)
check12("t12-cbc-sha384", "sha384", "AES-256-CBC with HMAC-SHA384", 48, 32, 0)
check12("t12-chacha", "sha256", "ChaCha20-Poly1305", 0, 32, 12)
check12("t12-dhe-sha384", "sha384", "AES-256-GCM", 0, 32, 4)
text, sec, hs, inputs, log = check12("t12-client-cert", "sha256", "AES-128-GCM", 0, 16, 4)
assert hs["the client's verify_data"][0] == "ClientHello...client CertificateVerify"
assert re.search(r"^      client Certificate ", text, re.M) and re.search(r"^      client CertificateVerify ", text, re.M)
# resumption, TLS 1.3: the second handshake's Early Secret is HKDF-Extract(0, the first one's
# ticket PSK); nothing was signed in it, and the summary says it resumed
first = parse("t13-resume", 0)
text, sec, hs, inputs, log = check13("t13-resume", "sha256", 32, 1)
assert re.search(r"^Resumed   : yes$", text, re.M) and re.search(r"^Resumed   : no$", first[0], re.M)
assert sec["Early Secret"] == hkdf_extract(hashlib.sha256, b"\0", first[1]["ticket PSK"])
assert "CertificateVerify: a" not in text and "nothing was signed and no certificate was sent" in text
assert hs["server Finished verify_data"][0] == "ClientHello...EncryptedExtensions"
assert "Transcript-Hash(ClientHello...EncryptedExtensions)" in text and "Transcript-Hash(ClientHello...CertificateVerify)" not in text
assert "no certificate (a resumption sends none)" in text
ck = open(os.path.join(tmp, "t13-resume.client-keylog")).read()
assert sec["c hs traffic"].hex() in ck and first[1]["c hs traffic"].hex() in ck, "--keylog not written"
# resumption, TLS 1.2: no key exchange, keys and both Finished from the first connection's
# master secret and the hashes said to feed them
first = parse("t12-resume", 0)
text, sec, hs, inputs, log = parse("t12-resume", 1)
ms = first[1]["extended_master_secret"]
cr, sr = inp(inputs, "client_random"), inp(inputs, "server_random")
assert prf(hashlib.sha256, ms, "key expansion", sr + cr, 40) == sec["key_block"]
for who in ("client", "server"):
    assert prf(hashlib.sha256, ms, f"{who} finished", hs[f"the {who}'s verify_data"][1], 12) == sec[f"{who} verify_data"], who
assert hs["the server's verify_data"][0] == "ClientHello...ServerHello"
assert hs["the client's verify_data"][0] == "ClientHello...server Finished"
assert re.search(r"^Resumed   : yes$", text, re.M) and re.search(r"^Group     : none \(resumed", text, re.M)
assert re.search(r"^Forward secrecy: NO: resumed", text, re.M)
assert "TLS 1.2 sends it in the clear" not in text and "ServerKeyExchange:" not in text
assert "the resumed session's, not derived in this handshake" in text
assert ms.hex() in open(os.path.join(tmp, "t12-resume.client-keylog")).read()
# text without --json never points to --json
for name in ("t13-hrr-hybrid", "t12-client-cert"):
    assert "--json" not in parse(name)[0], name
print("explain_live_truth: ok")
EOF
echo "1 passed, 0 failed"
