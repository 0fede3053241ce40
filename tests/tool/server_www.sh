#!/usr/bin/env bash
# tests/tool/server_www.sh — `glasstls server --www` answers once the request line has arrived
# (LF or CRLF, as openssl s_server -www does), whatever follows; curl gets the page.
source "$GLS_SRC/tests/interop/lib.sh"
GLS="$GLS_BUILD/glasstls"

port=$(free_port)
start_bg www "$GLS" server --port "$port"
wait_port "$port" www

# www_get NAME INPUT: sends INPUT over TLS with s_client (which keeps reading after its
# input ends) and expects the page back.
www_get()
{
    run_client "$1" "$2" "$OPENSSL" s_client -connect "127.0.0.1:$port" -quiet -ign_eof
    [ "$RUN_STATUS" = 0 ] || fail "$1: s_client exited $RUN_STATUS"
    expect_contains "$(out_of "$1")" "HTTP/1.1 200 OK"
    expect_contains "$(out_of "$1")" "Protocol       : TLSv1.3"
}

www_get lf-only $'GET / HTTP/1.0\n\n'
pass "GET / HTTP/1.0 with bare LFs gets the page"
www_get line-only $'GET / HTTP/1.1\r\n'
pass "a request line alone (no header end yet) gets the page"
www_get crlf $'GET / HTTP/1.1\r\nHost: x\r\n\r\n'
pass "a whole CRLF request gets the page"

run_client curl "" curl -sS -k --max-time 10 "https://127.0.0.1:$port/"
[ "$RUN_STATUS" = 0 ] || fail "curl exited $RUN_STATUS"
expect_contains "$(out_of curl)" "<h1>glasstls</h1>"
pass "curl gets the page"

# what the page says of a resumed TLS 1.2 connection: no key exchange ran, and its keys come
# from the earlier session's master secret (an earlier edition said "RSA (no ephemeral key)"
# and "Forward secret : yes" of it)
run_client resumed12 "" "$GLS" client "127.0.0.1:$port" --insecure --tls1.2 --resume --get /
[ "$RUN_STATUS" = 0 ] || fail "resumed12: client exited $RUN_STATUS"
python3 - "$(out_of resumed12)" <<'PY' || fail "resumed12: the page is not true of the session"
import sys
pages = open(sys.argv[1]).read().split("<h1>glasstls</h1>")[1:]
assert len(pages) == 1, pages  # --resume: the second connection asks for the page
second = pages[0]
assert "Resumed        : yes" in second, second
assert "Key exchange   : none (resumed: no key exchange)" in second, second
assert "Forward secret : NO: resumed" in second, second
PY
pass "the page of a resumed TLS 1.2 connection says no key exchange ran and why it is not forward secret"
