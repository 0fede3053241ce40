#!/usr/bin/env bash
# tests/tool/explain_html.sh — `glasstls explain --html FILE` in a real browser: headless
# Chromium (Debian's, installed by scripts/setup.sh) loads the page from file, offline; the
# page must log no console message (the detector is shown to work on a page that does), must
# contain every secret the JSON output of the same seeded run prints, must fetch nothing, and
# its screenshot must be a real image.
set -euo pipefail
bin="${GLS_BUILD:?GLS_BUILD is not set}/glasstls"
command -v chromium >/dev/null || { echo "SKIP: no chromium (scripts/setup.sh installs it)"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chrome() { # URL OUT_FLAG...: headless, no network services, a throwaway profile
  local url=$1
  shift
  timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$(mktemp -d -p "$tmp")" --enable-logging=stderr --v=0 \
    --window-size=1400,2400 "$@" "$url"
}
"$bin" explain --seed 5 --json >"$tmp/run.json"
"$bin" explain --seed 5 --html "$tmp/page.html"
# self-contained: nothing to fetch
if grep -qiE '(src|href)="(https?:)?//|@import|url\(' "$tmp/page.html"; then
  echo "the page refers to something outside itself"; exit 1
fi
# the console detector sees a page that logs
printf '<!DOCTYPE html><script>console.error("planted-error")</script>' >"$tmp/bad.html"
chrome "file://$tmp/bad.html" --dump-dom >/dev/null 2>"$tmp/bad.log" || true
grep -q "planted-error" "$tmp/bad.log" || { echo "console detector does not work"; exit 1; }
chrome "file://$tmp/page.html" --dump-dom >"$tmp/dom.html" 2>"$tmp/page.log"
if grep -E "CONSOLE|Uncaught" "$tmp/page.log"; then echo "console messages on the page"; exit 1; fi
chrome "file://$tmp/page.html" --screenshot="$tmp/shot.png" 2>/dev/null >/dev/null
[ "$(head -c 8 "$tmp/shot.png" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] ||
  { echo "no PNG screenshot"; exit 1; }
[ "$(stat -c %s "$tmp/shot.png")" -gt 50000 ] || { echo "the screenshot is nearly empty"; exit 1; }
/usr/bin/python3 - "$tmp/run.json" "$tmp/dom.html" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
dom = open(sys.argv[2]).read()
values = set()
for s in d["sessions"]:
    values |= {x["value_hex"] for x in s["secrets"]}
for key in ("sessions", "ticket_key_sessions"):
    for l in d["lesson"][key]:
        values |= {x["value_hex"] for x in l["steps"]}
for l in d["quantum_lesson"]["sessions"]:
    values |= {x["value_hex"] for x in l["steps"]}
    values |= {l["x25519_shared_secret"], l["client_x25519_private_key"]}
    assert l["title"] in dom
missing = [v for v in values if v not in dom]
assert not missing, f"{len(missing)} of {len(values)} secrets not on the page: {missing[:3]}"
for s in d["sessions"]:
    assert s["title"] in dom and s["inputs"]["client_random"] in dom
assert "How does the client know it is talking to the real server?" in dom
assert "leaked ticket key" in dom
# record now, decrypt later: the section, its outcome rows and what the hybrid rests on
assert 'id="quantum"' in dom and "Record now, decrypt later" in dom
q = dom.split('id="quantum"')[1]
assert "GET /secret HTTP/1.1" in q and "does not open under the server_handshake_write_key" in q
assert "module-LWE" in q and "authentication is still classical" in q
assert "X25519MLKEM768 (post-quantum hybrid)" in dom
print(f"html: {len(values)} secrets on the page, no console messages")
PY
echo "1 passed, 0 failed"
