#!/usr/bin/env bash
# tests/tool/explain_selfcheck.sh — every secret `glasstls explain --json` prints, recomputed
# from the inputs it prints with an implementation independent of glasstls: Python's hashlib
# and hmac (TLS 1.2 PRF, HKDF) and the `cryptography` package (X25519, RSA, AES-128-GCM), for
# all four sessions. In the X25519MLKEM768 session the ML-KEM-768 secret is taken as printed
# (no ML-KEM in Python) and the rest checked: the shares' layout, the X25519 half, and the
# shared secret = ML-KEM ss || X25519 ss that every later secret derives from. A secret
# printed but not recomputed is a failure too. The "record now, decrypt later" lesson is
# recomputed as well: the adversary's keys, and whether they open the server's first record.
set -euo pipefail
bin="${GLS_BUILD:?GLS_BUILD is not set}/glasstls"
json=$(mktemp)
trap 'rm -f "$json"' EXIT
for seed in "" 7; do
"$bin" explain --json ${seed:+--seed "$seed"} >"$json"
/usr/bin/python3 - "$json" <<'PY'
import hashlib, hmac, json, sys
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat, load_pem_private_key
from cryptography.hazmat.primitives.asymmetric import padding

H = lambda b: hashlib.sha256(b).digest()
def prf(secret, label, seed, n):
    seed = label.encode() + seed
    out, a = b"", seed
    while len(out) < n:
        a = hmac.new(secret, a, hashlib.sha256).digest()
        out += hmac.new(secret, a + seed, hashlib.sha256).digest()
    return out[:n]
def extract(salt, ikm): return hmac.new(salt, ikm, hashlib.sha256).digest()
def expand_label(secret, label, ctx, n):
    info = n.to_bytes(2, "big") + bytes([6 + len(label)]) + b"tls13 " + label.encode() + bytes([len(ctx)]) + ctx
    out, t, i = b"", b"", 1
    while len(out) < n:
        t = hmac.new(secret, t + info + bytes([i]), hashlib.sha256).digest()
        out += t
        i += 1
    return out[:n]
def derive(secret, label, th): return expand_label(secret, label, th, 32)
def x25519(priv, pub):
    return X25519PrivateKey.from_private_bytes(priv).exchange(X25519PublicKey.from_public_bytes(pub))

d = json.load(open(sys.argv[1]))
failures = []
total = 0
hybrids = 0
for s in d["sessions"]:
    inp = s["inputs"]
    assert inp["read_back"] is True, s["title"]
    got = {x["name"]: bytes.fromhex(x["value_hex"]) for x in s["secrets"] if x["side"] == "client"}
    calc = {}
    cr, sr = bytes.fromhex(inp["client_random"]), bytes.fromhex(inp["server_random"])
    msgs = [bytes.fromhex(m["hex"]) for m in inp["messages"]]
    types = [(m["side"], m["type"]) for m in inp["messages"]]
    def upto(side, typ):
        i = types.index((side, typ))
        return b"".join(msgs[: i + 1])
    def fin_body(side):
        return msgs[types.index((side, "Finished"))][4:]
    if s["version"] == "TLS 1.2":
        if s["key_exchange"] == "RSA":
            key = load_pem_private_key(inp["server_private_key_pem"].encode(), None)
            cke = msgs[types.index(("client", "ClientKeyExchange"))][4:]
            calc["pre_master_secret"] = key.decrypt(cke[2:], padding.PKCS1v15())
        else:
            calc["pre_master_secret"] = x25519(bytes.fromhex(inp["client_ephemeral_private_key"]),
                                               bytes.fromhex(inp["server_public_share"]))
            assert x25519(bytes.fromhex(inp["server_ephemeral_private_key"]),
                          bytes.fromhex(inp["client_public_share"])) == calc["pre_master_secret"]
        pms = calc["pre_master_secret"]
        sh = H(upto("client", "ClientKeyExchange"))
        assert sh.hex() == inp["session_hash"], "session_hash"
        assert prf(pms, "master secret", cr + sr, 48).hex() == inp["master_secret"], "classic master"
        ms = calc["extended_master_secret"] = prf(pms, "extended master secret", sh, 48)
        assert ms.hex() == inp["extended_master_secret"]
        kl = inp["key_lengths"]
        kb = calc["key_block"] = prf(ms, "key expansion", sr + cr, kl["key_block_length"])
        m, e, v = kl["mac_key_length"], kl["enc_key_length"], kl["fixed_iv_length"]
        calc["client_write_key"], calc["server_write_key"] = kb[2*m:2*m+e], kb[2*m+e:2*m+2*e]
        calc["client_write_IV"], calc["server_write_IV"] = kb[2*m+2*e:2*m+2*e+v], kb[2*m+2*e+v:2*m+2*e+2*v]
        calc["client verify_data"] = prf(ms, "client finished", sh, 12)
        last = ("server", "NewSessionTicket") if ("server", "NewSessionTicket") in types else ("client", "Finished")
        calc["server verify_data"] = prf(ms, "server finished", H(upto(*last)), 12)
        # verify_data does cross the wire, inside Finished
        assert fin_body("client") == calc["client verify_data"] and fin_body("server") == calc["server verify_data"]
        keys = {"client_write_key": calc["client_write_key"], "server_write_key": calc["server_write_key"],
                "client_write_IV": calc["client_write_IV"], "server_write_IV": calc["server_write_IV"]}
        for r in inp["records"]:
            nonce = keys[r["iv"]] + bytes.fromhex(r["explicit_nonce"])
            assert nonce.hex() == r["nonce"]
            pt = AESGCM(keys[r["key"]]).decrypt(nonce, bytes.fromhex(r["ciphertext"] + r["tag"]), bytes.fromhex(r["aad"]))
            assert pt.hex() == r["plaintext_hex"], r["direction"]
            assert bytes.fromhex(r["aad"])[:8] == r["seq"].to_bytes(8, "big")
    else:
        dhe = x25519(bytes.fromhex(inp["client_ephemeral_private_key"]),
                     bytes.fromhex(inp["server_public_share"]))
        assert x25519(bytes.fromhex(inp["server_ephemeral_private_key"]),
                      bytes.fromhex(inp["client_public_share"])) == dhe
        if s["group"] == "X25519MLKEM768":
            # draft-ietf-tls-ecdhe-mlkem: key_share entries 0x11ec, client 1216 bytes =
            # ML-KEM-768 encapsulation key (1184) || X25519 (32), server 1120 bytes = ML-KEM
            # ciphertext (1088) || X25519 (32); shared secret = ML-KEM ss || X25519 ss. Python
            # has no ML-KEM: its secret is taken as printed, everything else is recomputed.
            assert inp["hybrid_group"] == "X25519MLKEM768" and inp["hybrid_matches_reported"] is True
            ek, ct = bytes.fromhex(inp["mlkem_encapsulation_key"]), bytes.fromhex(inp["mlkem_ciphertext"])
            assert len(ek) == 1184 and len(ct) == 1088
            cshare = ek + bytes.fromhex(inp["client_public_share"])
            sshare = ct + bytes.fromhex(inp["server_public_share"])
            assert b"\x11\xec" + len(cshare).to_bytes(2, "big") + cshare in msgs[types.index(("client", "ClientHello"))]
            assert b"\x11\xec" + len(sshare).to_bytes(2, "big") + sshare in msgs[types.index(("server", "ServerHello"))]
            assert (len(cshare), len(sshare)) == (1216, 1120)
            assert dhe.hex() == inp["x25519_shared_secret"], "X25519 half"
            kem = bytes.fromhex(inp["mlkem_shared_secret"])
            assert len(kem) == 32
            dhe = kem + dhe
            assert dhe.hex() == inp["hybrid_shared_secret"]
            hybrids += 1
        calc["(EC)DHE shared secret"] = dhe
        th = {t["covers"]: bytes.fromhex(t["value"]) for t in inp["transcript_hash"]}
        for t in inp["transcript_hash"]:
            assert H(b"".join(msgs[: t["messages"]])).hex() == t["value"], t["covers"]
        early = calc["Early Secret"] = extract(b"\0", bytes(32))
        der = calc["derived (for handshake)"] = derive(early, "derived", H(b""))
        hs = calc["Handshake Secret"] = extract(der, dhe)
        t1 = th["ClientHello...ServerHello"]
        chs = calc["c hs traffic"] = derive(hs, "c hs traffic", t1)
        shs = calc["s hs traffic"] = derive(hs, "s hs traffic", t1)
        for who, sec in (("client", chs), ("server", shs)):
            calc[f"{who}_handshake_write_key"] = expand_label(sec, "key", b"", 16)
            calc[f"{who}_handshake_write_iv"] = expand_label(sec, "iv", b"", 12)
        calc["server finished_key"] = expand_label(shs, "finished", b"", 32)
        calc["server Finished verify_data"] = hmac.new(calc["server finished_key"], th["ClientHello...CertificateVerify"], hashlib.sha256).digest()
        dm = calc["derived (for master)"] = derive(hs, "derived", H(b""))
        master = calc["Master Secret"] = extract(dm, bytes(32))
        t3 = th["ClientHello...server Finished"]
        cap_ = calc["c ap traffic"] = derive(master, "c ap traffic", t3)
        sap = calc["s ap traffic"] = derive(master, "s ap traffic", t3)
        calc["exp master"] = derive(master, "exp master", t3)
        for who, sec in (("client", cap_), ("server", sap)):
            calc[f"{who}_application_write_key"] = expand_label(sec, "key", b"", 16)
            calc[f"{who}_application_write_iv"] = expand_label(sec, "iv", b"", 12)
        calc["client finished_key"] = expand_label(chs, "finished", b"", 32)
        calc["client Finished verify_data"] = hmac.new(calc["client finished_key"], t3, hashlib.sha256).digest()
        assert fin_body("server") == calc["server Finished verify_data"]
        assert fin_body("client") == calc["client Finished verify_data"]
        rm = calc["res master"] = derive(master, "res master", th["ClientHello...client Finished"])
        calc["ticket PSK"] = expand_label(rm, "resumption", bytes.fromhex(inp["ticket_nonce"]), 32)
        for r in inp["records"]:
            iv = calc[r["iv"]]
            nonce = bytes(a ^ b for a, b in zip(iv, bytes(4) + r["seq"].to_bytes(8, "big")))
            assert nonce.hex() == r["nonce"] and r["aad"] == r["header"]
            pt = AESGCM(calc[r["key"]]).decrypt(nonce, bytes.fromhex(r["ciphertext"] + r["tag"]), bytes.fromhex(r["aad"]))
            assert pt[:-1].hex() == r["plaintext_hex"] and pt[-1] == 23, r["direction"]
    for name, value in got.items():
        total += 1
        if name not in calc:
            failures.append(f"{s['title']}: {name} printed but not recomputed")
        elif calc[name] != value:
            failures.append(f"{s['title']}: {name} differs")
    # the server's printed values agree too
    for x in s["secrets"]:
        if x["side"] == "server" and x["name"] in calc and calc[x["name"]].hex() != x["value_hex"]:
            failures.append(f"{s['title']}: server's {x['name']} differs")
# record now, decrypt later: the adversary's derivation recomputed, and its server handshake
# key tried on the first protected record the server sent. From the X25519 recording's
# private key it must open (EncryptedExtensions); from the hybrid's attempt (the ML-KEM half
# unknown) it must not, while the session's own key opens the same record.
from cryptography.exceptions import InvalidTag
by_title = {s["title"]: s for s in d["sessions"]}
opened = refused = 0
for q in d.get("quantum_lesson", {"sessions": []})["sessions"]:
    s = by_title[q["title"]]
    inp = s["inputs"]
    priv = bytes.fromhex(q["client_x25519_private_key"])
    pub = X25519PrivateKey.from_private_bytes(priv).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    assert pub.hex() == q["client_x25519_share"] == inp["client_public_share"], q["title"]
    x = x25519(priv, bytes.fromhex(q["server_x25519_share"]))
    assert x.hex() == q["x25519_shared_secret"] and q["server_x25519_share"] == inp["server_public_share"]
    dhe = bytes.fromhex(q["attempted_shared_secret"])
    assert dhe == (x if q["mlkem_shared_secret_known"] else bytes(32) + x), q["title"]
    th = {t["covers"]: bytes.fromhex(t["value"]) for t in inp["transcript_hash"]}
    hs = extract(derive(extract(b"\0", bytes(32)), "derived", H(b"")), dhe)
    shs = derive(hs, "s hs traffic", th["ClientHello...ServerHello"])
    key, iv = expand_label(shs, "key", b"", 16), expand_label(shs, "iv", b"", 12)
    steps = {st["name"]: bytes.fromhex(st["value_hex"]) for st in q["steps"]}
    assert steps["(EC)DHE shared secret"] == dhe and steps["Handshake Secret"] == hs
    assert steps["s hs traffic"] == shs and steps["server_handshake_write_key"] == key
    rec = bytes.fromhex(q["first_server_record"])
    def open_with(k, n):
        return AESGCM(k).decrypt(n, rec[5:], rec[:5])
    own = {x["name"]: bytes.fromhex(x["value_hex"]) for x in s["secrets"] if x["side"] == "client"}
    pt = open_with(own["server_handshake_write_key"], own["server_handshake_write_iv"])
    assert pt[0] == 8 and pt[-1] == 22, "the record is the session's EncryptedExtensions"
    if q["decrypted"]:
        assert open_with(key, iv) == pt
        for name in ("c ap traffic", "s ap traffic", "client_application_write_key"):
            assert steps[name] == own[name], name
        opened += 1
    else:
        try:
            open_with(key, iv)
            failures.append(f"{q['title']}: the adversary's handshake key opens the record")
        except InvalidTag:
            refused += 1
if d.get("quantum_lesson") and (opened, refused) != (1, 1):
    failures.append(f"quantum lesson: {opened} opened, {refused} refused; want 1 and 1")
if hybrids != 1:
    failures.append(f"{hybrids} hybrid sessions checked, want 1")
if failures:
    print("\n".join(failures))
    sys.exit(1)
print(f"self-check: {total} printed secrets recomputed independently in {len(d['sessions'])} sessions;"
      f" record now, decrypt later: {opened} recording opened, {refused} refused, in Python too")
PY
done
echo "1 passed, 0 failed"
