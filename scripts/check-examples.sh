#!/usr/bin/env bash
# scripts/check-examples.sh PREFIX — builds every examples/*.c against the glasstls installed
# in PREFIX (pkg-config only, no source tree paths) and runs each one: against openssl
# s_server with a test CA made here, against 50 concurrent Python clients, or in memory.
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=$1
work=$(mktemp -d)
pids=()
cleanup()
{
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
export LD_LIBRARY_PATH="$prefix/lib"
for src in examples/*.c; do
    name=$(basename "$src" .c)
    # shellcheck disable=SC2046
    cc -std=c11 -D_DEFAULT_SOURCE -Wall -Wextra -Werror -o "$work/$name" "$src" \
        $(pkg-config --cflags --libs glasstls)
done
# the whole of ldd's output is read: grep -q would stop early, and under pipefail the
# SIGPIPE that ldd then gets reads as "not linked"
ldd "$work/https_get" | grep "$prefix/lib/libglasstls" >/dev/null || { echo "not linked to $prefix" >&2; exit 1; }

port()
{
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
wait_port()
{
    for _ in $(seq 50); do
        (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.1
    done
    echo "nothing listens on $1" >&2
    exit 1
}

# a CA and a leaf for localhost
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=ExampleCA \
    -keyout "$work/ca.key" -out "$work/ca.pem" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost \
    -keyout "$work/leaf.key" -out "$work/leaf.csr" 2>/dev/null
printf 'subjectAltName=DNS:localhost\n' >"$work/ext"
openssl x509 -req -in "$work/leaf.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" -CAcreateserial \
    -days 2 -extfile "$work/ext" -out "$work/leaf.pem" 2>/dev/null

"$work/memory_pair" >"$work/out"
grep -q "server read: hello, server" "$work/out"
echo "examples: memory_pair ok"
"$work/fleet_keys" >"$work/out"
grep -q "server B with A's ticket: resumed yes" "$work/out"
echo "examples: fleet_keys ok"

p=$(port)
timeout 120 openssl s_server -accept "127.0.0.1:$p" -cert "$work/leaf.pem" -key "$work/leaf.key" \
    -www -quiet </dev/null >/dev/null 2>&1 &
pids+=($!)
wait_port "$p"
timeout 20 "$work/https_get" localhost "$p" "$work/ca.pem" / >"$work/out"
grep -q "^HTTP/1.0 200 ok" "$work/out"
if timeout 20 "$work/https_get" localhost "$p" "$work/leaf.pem" / >/dev/null 2>"$work/err"; then
    echo "https_get accepted a server it cannot verify" >&2
    exit 1
fi
grep -q "handshake failed: certificate verify failed" "$work/err"
echo "examples: https_get ok (verified; refuses an unverifiable server)"
timeout 20 "$work/session_resume" localhost "$p" "$work/ca.pem" "$work/sess" >"$work/out"
grep -q "resumed: no" "$work/out"
[ "$(stat -c %a "$work/sess")" = 600 ]
timeout 20 "$work/session_resume" localhost "$p" "$work/ca.pem" "$work/sess" >"$work/out"
grep -q "resumed: yes" "$work/out"
echo "examples: session_resume ok (resumed in the second run)"

p=$(port)
# 51 connections: wait_port's probe, 49 TLS clients at once, one that does not speak TLS
timeout 120 "$work/epoll_server" "$p" "$work/leaf.pem" "$work/leaf.key" 51 2>"$work/epoll.err" &
epid=$!
pids+=($epid)
wait_port "$p"
timeout 60 python3 - "$p" "$work/ca.pem" <<'PY'
import socket, ssl, sys, threading
port, ca = int(sys.argv[1]), sys.argv[2]
ctx = ssl.create_default_context(cafile=ca)
ok = []
def one(i):
    with socket.create_connection(("127.0.0.1", port)) as raw:
        with ctx.wrap_socket(raw, server_hostname="localhost") as s:
            msg = b"ping %d" % i
            s.sendall(msg)
            got = b""
            while len(got) < len(msg):
                got += s.recv(100)
            ok.append(got == msg)
ts = [threading.Thread(target=one, args=(i,)) for i in range(49)]
for t in ts: t.start()
for t in ts: t.join()
print(len(ok), all(ok))
assert len(ok) == 49 and all(ok)
PY
# the last: a client that is not TLS at all is dropped cleanly, and the server exits
timeout 5 python3 -c "import socket,sys; s=socket.create_connection(('127.0.0.1', $p)); s.sendall(b'GET / HTTP/1.0\r\n\r\n'); s.recv(100)" || true
wait "$epid"
grep -q "served 51 connections" "$work/epoll.err"
echo "examples: epoll_server ok (49 concurrent TLS clients echoed, a non-TLS one dropped)"
