#!/usr/bin/env bash
# tests/tool/explain_truth.sh — the sentences of `glasstls explain` that depend on the run are
# checked against the run itself (its JSON sessions, their messages and summaries): how many
# connections, which one is "the first", "the second, third and fourth", each agreement count,
# the signature schemes the quantum lesson names, the hybrid's share sizes, whether a ticket
# crossed in the clear, the ticket-key epoch, how many names a secret has and whether its name
# is its label; the HTML page's heading counts the connections it shows. An earlier edition
# said "three connections" of a run of four and "Ed25519 here" of ECDSA sessions.
set -euo pipefail
bin="$GLS_BUILD/glasstls"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for run in plain seeded; do
    args=(--no-color)
    [ "$run" = seeded ] && args+=(--seed 11)
    "$bin" explain "${args[@]}" >"$tmp/$run.txt"
    "$bin" explain "${args[@]}" --json >"$tmp/$run.json"
    python3 - "$tmp/$run.txt" "$tmp/$run.json" "$run" <<'EOF'
import json, re, sys
text, d, run = open(sys.argv[1]).read(), json.load(open(sys.argv[2])), sys.argv[3]
flat = " ".join(text.split())
S = d["sessions"]
words = ["no", "one", "two", "three", "four", "five", "six"]
ords = ["first", "second", "third", "fourth", "fifth", "sixth"]
heads = re.findall(r"^== (.*) \(client and server in this process\) ==$", text, re.M)
assert heads == [s["title"] for s in S], heads

# how many connections the answers speak of
m = re.search(r"^== What the (\w+) connections show ==$", text, re.M)
assert m and m.group(1) == words[len(S)], (m and m.group(1), len(S))
# every ordinal in the answers names a connection that exists, and says true things of it
answers = {a["question"]: a["answer"] for a in d["answers"]}
pm = answers["What are the pre-master secret, the master secret and the session keys, and which private key is meant?"]
o, began = re.search(r"in the (\w+) connection it began ([0-9a-f]{16})", pm).groups()
rsa = S[ords.index(o)]
assert rsa["key_exchange"] == "RSA", rsa["title"]
v = next(x["value_hex"] for x in rsa["secrets"] if x["name"] == "pre_master_secret")
assert v.startswith(began), (v, began)
fs = answers["Is the RSA pre-master secret ephemeral, and is it forward secret?"]
a, b = re.search(r"open the (\w+) connection's recording .* could not open the ([\w, ]+)\.$", fs).groups()
named = re.split(r", | and ", b)
assert [S[ords.index(a)]["forward_secret"]] == [False]
assert sorted(ords.index(x) for x in named) == [i for i, s in enumerate(S) if s["forward_secret"]], named
ag = answers["Do both sides hold the same keys, and what is each key for?"]
counts = re.findall(r"(\d+) of (?:the client's )?(\d+)(?: secrets)? in the (\w+)", ag)
assert [(int(x), int(y), ords.index(z)) for x, y, z in counts] == \
    [(s["agreement"]["same"], s["agreement"]["total"], i) for i, s in enumerate(S)], counts
assert re.search(r"in the (\w+) connection only", ag).group(1) == o

# the quantum lesson names exactly the TLS 1.3 sessions' signature schemes
sig = {s["signature"] for s in S if s["version"] == "TLS 1.3"}
named = re.search(r"CertificateVerify signature \(([^;]*) in these recordings;", d["quantum_lesson"]["does_not_protect"]).group(1)
assert set(named.split(", ")) == sig, (named, sig)
assert ("ed25519" in sig) == (run == "seeded"), sig  # --seed signs with Ed25519, else ECDSA
for s in S:  # the summary's Signature line is the JSON's
    part = text.split("== " + s["title"])[1]
    assert re.search(r"^Signature : (\S+)", part, re.M).group(1) == (s["signature"] or "none")

# the hybrid's sizes in the quantum lesson are its recorded shares'
hy = next(s for s in S if s["group"] == "X25519MLKEM768")["inputs"]
ek, ct = len(hy["mlkem_encapsulation_key"]) // 2, len(hy["mlkem_ciphertext"]) // 2
assert f"its {ek + 32}-byte hybrid share, after the {ek}-byte ML-KEM encapsulation key" in flat
assert f"its {ct + 32}-byte share, after the {ct}-byte ML-KEM ciphertext" in flat
assert f"(the {ct}-byte ciphertext)" in flat

# "sent a NewSessionTicket in the clear" exactly where one did
for s in S:
    part = text.split("== " + s["title"])[1].split("\n== ")[0].split("\n---\n")[0]
    clear = any(m["type"] == "NewSessionTicket" and not m["encrypted_on_wire"]
                for m in s["inputs"]["messages"])
    assert ("NewSessionTicket in the clear" in " ".join(part.split())) == clear, s["title"]
# a recording the leaked ticket key opens is not said to need a key log alone
tk = {l["title"]: l for l in d["lesson"]["ticket_key_sessions"]}
for l in d["lesson"]["sessions"]:
    if tk[l["title"]]["decrypted"]:
        assert l["decrypted"] or "ticket key" in l["reason"], l
# the epoch the rotation paragraph names is the one the TLS 1.2 tickets were sealed in
hours = int(re.search(r"for one (\d+)-hour epoch", d["lesson"]["ticket_rotation"]).group(1))
if run == "seeded":
    now = 1798761600  # --seed's clock
    for s in S:
        for m in s["inputs"]["messages"]:
            if m["type"] == "NewSessionTicket" and not m["encrypted_on_wire"]:
                t = bytes.fromhex(m["hex"])[4 + 4 + 2:]  # header, lifetime hint, length
                assert int.from_bytes(t[:8], "big") == now // (hours * 3600), (hours, t[:8].hex())

# "one value, N names": N is the number of names given; "(the RFC's label)" only when the
# formula derives it with that very string, else the label named is the formula's
for m in re.finditer(r"formula: (.*)\n           one value, (\w+) names: \"([^\"]+)\" here( \([^)]*\))?(.*); below", text):
    formula, n, name, label, rest = m.groups()
    assert words.index(n) == 1 + rest.count(" in the RFC's text") + rest.count(" in a key log"), m.group(0)
    if label == " (the RFC's label)":
        assert f'"{name}"' in formula, m.group(0)
    else:
        want = re.search(r'derived with the label ("[^"]+")', label).group(1)
        assert want in formula and f'"{name}"' not in formula, m.group(0)
print(run, "ok")
EOF
done

# the page's heading counts the connections it shows
"$bin" explain --tls1.3 --html "$tmp/one.html"
grep -q "How TLS makes its keys: one connection, explained" "$tmp/one.html" ||
    { echo "the one-session page does not say one connection"; exit 1; }
if grep -q 'href="#lesson"' "$tmp/one.html"; then
    echo "the one-session page links to lessons it does not have"; exit 1
fi
"$bin" explain --html "$tmp/all.html"
grep -q "How TLS makes its keys: four connections, explained" "$tmp/all.html" ||
    { echo "the whole page does not say four connections"; exit 1; }
echo "1 passed, 0 failed"
