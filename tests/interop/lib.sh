# shellcheck shell=bash
# tests/interop/lib.sh — the harness the interop scripts source: a private temp dir, free
# ports, background peers that are always killed and reaped, clients that can never hang,
# a test PKI made with the openssl CLI, and pass/fail helpers.
#
#   source "$(dirname "$0")/lib.sh"
#   make_pki "$GLS_TMP/pki"
#   port=$(free_port)
#   start_bg server openssl s_server -accept "127.0.0.1:$port" ... ; wait_port "$port" server
#   run_client hello "some input" openssl s_client -connect "127.0.0.1:$port" ...
#   [ "$RUN_STATUS" = 0 ] || fail "handshake"; expect_contains "$(out_of hello)" "..."; pass "..."
#
# ctest runs every tests/interop/*.sh with GLS_BUILD (build dir) and GLS_SRC (source dir) set;
# run directly, this file checks its own helpers (see the end).

# Under pipefail a command piped into `grep -q` can fail: grep stops at the first match and
# the writer takes SIGPIPE. Match piped output with `grep ... >/dev/null`; `grep -q FILE` is fine.
set -euo pipefail

GLS_SRC=${GLS_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
GLS_BUILD=${GLS_BUILD:-$GLS_SRC/build}
OPENSSL=${OPENSSL:-openssl}
GLS_CLIENT_TIMEOUT=${GLS_CLIENT_TIMEOUT:-20} # seconds a foreground client may take
GLS_BG_LIMIT=${GLS_BG_LIMIT:-300}            # seconds a background peer may live, at most
GLS_TMP=$(mktemp -d "${TMPDIR:-/tmp}/gls-interop.XXXXXX")
GLS_BG_PIDS=()
declare -A GLS_BG_PID=()
RUN_STATUS=0

# ---- reporting ----

# Prints the last lines of every log in the temp dir, for a failure's context.
show_logs()
{
    local f
    for f in "$GLS_TMP"/*.out "$GLS_TMP"/*.err; do
        [ -s "$f" ] || continue
        printf -- '---- %s (last 30 lines)\n' "${f##*/}" >&2
        tail -n 30 "$f" >&2
    done
}

# fail MSG: reports, shows the logs, and ends the test (the EXIT trap cleans up).
fail()
{
    printf 'FAIL: %s\n' "$*" >&2
    show_logs
    exit 1
}

# pass MSG: reports one check that held.
pass()
{
    printf 'PASS: %s\n' "$*"
}

# expect_contains FILE STRING: the file holds STRING (fixed string, not a pattern).
expect_contains()
{
    [ -f "$1" ] || fail "expect_contains: no file $1"
    grep -qF -- "$2" "$1" || fail "expected \"$2\" in ${1##*/}"
}

# expect_not_contains FILE STRING
expect_not_contains()
{
    [ -f "$1" ] || fail "expect_not_contains: no file $1"
    if grep -qF -- "$2" "$1"; then
        fail "did not expect \"$2\" in ${1##*/}"
    fi
}

# ---- processes ----

# The files a started process (background or client) writes its output to.
out_of()
{
    printf '%s/%s.out' "$GLS_TMP" "$1"
}
err_of()
{
    printf '%s/%s.err' "$GLS_TMP" "$1"
}

# all_of NAME: a file with NAME's stdout then its stderr, as they are now (for checks that
# do not care which stream a peer prints to).
all_of()
{
    cat "$(out_of "$1")" "$(err_of "$1")" >"$GLS_TMP/$1.all" 2>/dev/null || true
    printf '%s/%s.all' "$GLS_TMP" "$1"
}

check_name()
{
    [[ $1 =~ ^[A-Za-z0-9_.-]+$ ]] || fail "bad process name '$1'"
}

# start_bg NAME CMD...: starts CMD in the background with stdin from /dev/null and stdout and
# stderr in $(out_of NAME) and $(err_of NAME). Its PID is in GLS_BG_PID[NAME] and BG_PID. CMD
# runs under `timeout`, which gives it its own process group (so a wrapper's children die
# with it) and ends it after GLS_BG_LIMIT seconds even if this shell is killed outright.
start_bg()
{
    local name=$1
    shift
    check_name "$name"
    [ -z "${GLS_BG_PID[$name]:-}" ] || fail "start_bg: $name already started"
    timeout -k 2 "$GLS_BG_LIMIT" "$@" </dev/null >"$(out_of "$name")" 2>"$(err_of "$name")" &
    BG_PID=$!
    GLS_BG_PID[$name]=$BG_PID
    GLS_BG_PIDS+=("$BG_PID")
}

# True while process PID exists and is not a zombie.
pid_running()
{
    local stat
    stat=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
    [ -n "$stat" ] && [[ $stat != Z* ]]
}

# True while the background process NAME runs.
bg_alive()
{
    local pid=${GLS_BG_PID[$1]:-}
    [ -n "$pid" ] && pid_running "$pid"
}

# wait_bg NAME [SECONDS]: waits (default 10 s) for NAME to exit by itself and sets RUN_STATUS
# to its exit status; fails the test if it is still running then.
wait_bg()
{
    local name=$1
    local limit=$((${2:-10} * 10))
    local pid=${GLS_BG_PID[$name]:-}
    [ -n "$pid" ] || fail "wait_bg: $name was never started"
    while bg_alive "$name" && [ "$limit" -gt 0 ]; do
        sleep 0.1
        limit=$((limit - 1))
    done
    bg_alive "$name" && fail "$name did not exit"
    RUN_STATUS=0
    wait "$pid" 2>/dev/null || RUN_STATUS=$?
}

# stop_bg NAME: ends NAME now (TERM, then KILL after 1 s) and reaps it.
stop_bg()
{
    local pid=${GLS_BG_PID[$1]:-}
    [ -n "$pid" ] || fail "stop_bg: $1 was never started"
    kill_tree "$pid"
}

# Ends one process this shell started, and its process group, and reaps it. A PID is only
# signalled while it is still our child, so a reused PID is never touched.
kill_tree()
{
    local pid=$1
    local _
    if [ "$(ps -o ppid= -p "$pid" 2>/dev/null | tr -d ' ')" = "$$" ]; then
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
        for _ in 1 2 3 4 5 6 7 8 9 10; do
            pid_running "$pid" || break
            sleep 0.1
        done
        if [ "$(ps -o ppid= -p "$pid" 2>/dev/null | tr -d ' ')" = "$$" ]; then
            kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    wait "$pid" 2>/dev/null || true
}

gls_cleanup()
{
    local status=$?
    local pid
    set +e
    for pid in "${GLS_BG_PIDS[@]}"; do
        kill_tree "$pid"
    done
    rm -rf "$GLS_TMP"
    exit "$status"
}
trap gls_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# run_client NAME INPUT CMD...: runs CMD in the foreground under `timeout` (GLS_CLIENT_TIMEOUT
# seconds) with INPUT (a string, given as is) on stdin, output in $(out_of NAME) and
# $(err_of NAME), and sets RUN_STATUS to its exit status. A client that times out fails the
# test: a test must never hang, and a hang is never the expected result.
run_client()
{
    local name=$1
    local input=$2
    shift 2
    check_name "$name"
    printf '%s' "$input" >"$GLS_TMP/$name.in"
    RUN_STATUS=0
    timeout -k 2 "$GLS_CLIENT_TIMEOUT" "$@" <"$GLS_TMP/$name.in" >"$(out_of "$name")" \
        2>"$(err_of "$name")" || RUN_STATUS=$?
    if [ "$RUN_STATUS" = 124 ] || [ "$RUN_STATUS" = 137 ]; then
        fail "$name timed out after ${GLS_CLIENT_TIMEOUT}s: $*"
    fi
}

# ---- ports ----

# free_port: a TCP port on 127.0.0.1 that nothing listens on right now.
free_port()
{
    python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# True if something listens on TCP PORT (IPv4 or IPv6), read from /proc so that no connection
# is made (a probe connection would use up a server's -naccept).
port_listening()
{
    local hex
    hex=$(printf '%04X' "$1")
    awk -v p="$hex" 'FNR > 1 { split($2, a, ":"); if (a[length(a)] == p && $4 == "0A") f = 1 }
                     END { exit !f }' /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# wait_port PORT [NAME]: waits up to 5 s for a listener on PORT; with NAME, gives up as soon
# as that background process has died.
wait_port()
{
    local _
    for _ in $(seq 50); do
        port_listening "$1" && return 0
        if [ -n "${2:-}" ] && ! bg_alive "$2"; then
            fail "$2 exited before listening on port $1"
        fi
        sleep 0.1
    done
    fail "nothing listens on port $1 after 5 s"
}

# ---- a test PKI ----

# make_pki DIR: makes, with the openssl CLI and only files under DIR, a PKI valid for 30 days:
#   ca.pem ca.key                 the trusted root (RSA-2048)
#   server-rsa.pem/.key           RSA-2048 leaf, SAN DNS:localhost and IP:127.0.0.1
#   server-ecdsa.pem/.key         ECDSA P-256 leaf, same names
#   server-ed25519.pem/.key       Ed25519 leaf, same names
#   expired.pem/.key              RSA-2048 leaf for localhost, valid from 60 to 30 days ago
#   expired-client.pem/.key       RSA-2048 client certificate, valid from 60 to 30 days ago
#   unknown-ca.pem/.key           RSA-2048 leaf for localhost, issued by other-ca.pem (not trusted)
#   client.pem/.key               RSA-2048 client certificate (clientAuth), CN glasstls test client
# Every leaf is issued straight by its root. Does nothing if DIR already holds a finished PKI.
make_pki()
{
    local dir=$1
    [ -f "$dir/.done" ] && return 0
    mkdir -p "$dir"
    pki_config "$dir"
    pki_root "$dir" ca "glasstls test CA"
    pki_root "$dir" other-ca "glasstls untrusted CA"
    pki_leaf "$dir" ca server-rsa rsa localhost server_rsa
    pki_leaf "$dir" ca server-ecdsa ec localhost server_sig
    pki_leaf "$dir" ca server-ed25519 ed25519 localhost server_sig
    pki_leaf "$dir" ca expired rsa localhost server_rsa \
        -startdate "$(date -u -d '-60 days' +%Y%m%d%H%M%SZ)" \
        -enddate "$(date -u -d '-30 days' +%Y%m%d%H%M%SZ)"
    pki_leaf "$dir" other-ca unknown-ca rsa localhost server_rsa
    pki_leaf "$dir" ca client rsa "glasstls test client" client
    pki_leaf "$dir" ca expired-client rsa "glasstls expired client" client \
        -startdate "$(date -u -d '-60 days' +%Y%m%d%H%M%SZ)" \
        -enddate "$(date -u -d '-30 days' +%Y%m%d%H%M%SZ)"
    touch "$dir/.done"
}

# The one openssl config every PKI command uses (never the system's).
pki_config()
{
    cat >"$1/openssl.cnf" <<EOF
[ req ]
distinguished_name = req_dn
prompt = no
[ req_dn ]
CN = unused
[ root ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ server_rsa ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ server_sig ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ client ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ ca_ca ]
database = $1/ca.index
new_certs_dir = $1/ca.issued
serial = $1/ca.serial
default_md = sha256
policy = policy_any
unique_subject = no
[ ca_other-ca ]
database = $1/other-ca.index
new_certs_dir = $1/other-ca.issued
serial = $1/other-ca.serial
default_md = sha256
policy = policy_any
unique_subject = no
[ policy_any ]
commonName = supplied
EOF
}

# pki_key DIR NAME TYPE: NAME.key of type rsa (2048), ec (P-256) or ed25519.
pki_key()
{
    local opts
    case "$3" in
    rsa) opts=(-algorithm RSA -pkeyopt rsa_keygen_bits:2048) ;;
    ec) opts=(-algorithm EC -pkeyopt ec_paramgen_curve:P-256) ;;
    ed25519) opts=(-algorithm ED25519) ;;
    *) fail "pki_key: unknown key type $3" ;;
    esac
    "$OPENSSL" genpkey "${opts[@]}" -out "$1/$2.key" 2>"$1/$2.log" || pki_fail "$1" "$2"
}

pki_fail()
{
    cat "$1/$2.log" >&2
    fail "make_pki: could not make $2"
}

# pki_root DIR NAME CN: a self-signed root NAME.pem with its issuing database.
pki_root()
{
    local dir=$1
    local name=$2
    pki_key "$dir" "$name" rsa
    OPENSSL_CONF=$dir/openssl.cnf "$OPENSSL" req -new -x509 -config "$dir/openssl.cnf" \
        -key "$dir/$name.key" -subj "/CN=$3" -days 30 -sha256 -extensions root \
        -out "$dir/$name.pem" 2>"$dir/$name.log" || pki_fail "$dir" "$name"
    : >"$dir/$name.index"
    mkdir -p "$dir/$name.issued"
    printf '%s\n' 1000 >"$dir/$name.serial"
}

# pki_leaf DIR ISSUER NAME KEYTYPE CN EXTENSIONS [openssl ca options]: NAME.pem issued by
# ISSUER, valid 30 days from now unless the options say otherwise.
pki_leaf()
{
    local dir=$1
    local issuer=$2
    local name=$3
    local validity=(-days 30)
    [ $# -gt 6 ] && validity=("${@:7}")
    pki_key "$dir" "$name" "$4"
    OPENSSL_CONF=$dir/openssl.cnf "$OPENSSL" req -new -config "$dir/openssl.cnf" \
        -key "$dir/$name.key" -subj "/CN=$5" -out "$dir/$name.csr" 2>"$dir/$name.log" ||
        pki_fail "$dir" "$name"
    OPENSSL_CONF=$dir/openssl.cnf "$OPENSSL" ca -batch -notext -config "$dir/openssl.cnf" \
        -name "ca_$issuer" -cert "$dir/$issuer.pem" -keyfile "$dir/$issuer.key" \
        -extensions "$6" "${validity[@]}" -in "$dir/$name.csr" -out "$dir/$name.pem" \
        2>>"$dir/$name.log" || pki_fail "$dir" "$name"
}

# ---- run directly: check the helpers themselves ----

lib_selftest()
{
    local port
    local pid
    port=$(free_port)
    if ! [[ $port =~ ^[0-9]+$ ]] || [ "$port" -eq 0 ]; then
        fail "free_port gave '$port'"
    fi
    port_listening "$port" && fail "port $port is in use right after free_port"
    pass "free_port gives an unused port ($port)"

    # a listener that also starts a grandchild: both must die with the test
    start_bg listener python3 -c 'import socket, subprocess, sys, time
p = subprocess.Popen(["sleep", "300"])
print(p.pid, flush=True)
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1)
print("listening", flush=True)
time.sleep(300)' "$port"
    wait_port "$port" listener
    pass "wait_port sees the listener"
    expect_contains "$(out_of listener)" listening
    pass "start_bg captures stdout"
    local grandchild
    grandchild=$(head -n 1 "$(out_of listener)")
    pid_running "$grandchild" || fail "grandchild not running"
    stop_bg listener
    bg_alive listener && fail "stop_bg left the listener running"
    sleep 0.2
    pid_running "$grandchild" && fail "stop_bg left the grandchild running"
    pass "stop_bg ends the process and its group"

    start_bg quick sh -c 'echo bye >&2; exit 3'
    wait_bg quick 5
    [ "$RUN_STATUS" = 3 ] || fail "wait_bg status $RUN_STATUS, expected 3"
    expect_contains "$(err_of quick)" bye
    pass "wait_bg gives the exit status; stderr is captured"

    run_client cat "in put" cat
    [ "$RUN_STATUS" = 0 ] || fail "run_client status $RUN_STATUS"
    [ "$(cat "$(out_of cat)")" = "in put" ] || fail "run_client input differs"
    expect_not_contains "$(out_of cat)" missing
    pass "run_client feeds stdin and captures stdout"

    # a hanging client fails the test (checked in a subshell with a short limit)
    if (GLS_CLIENT_TIMEOUT=1 run_client hang "" sleep 30) 2>/dev/null; then
        fail "a hanging client did not fail"
    fi
    pass "a hanging client fails after its timeout"

    # a sourced library cleans up on exit: every process it started is gone with its temp dir
    local probe=$GLS_TMP/probe.sh
    cat >"$probe" <<EOF
source "${BASH_SOURCE[0]}"
start_bg sleeper sleep 300
echo "\$BG_PID \$GLS_TMP"
EOF
    local info
    info=$(bash "$probe")
    pid=${info%% *}
    [ -n "$pid" ] || fail "the probe printed nothing"
    sleep 0.2
    pid_running "$pid" && fail "a process outlived the script that started it"
    [ -d "${info#* }" ] && fail "the temp dir outlived the script"
    pass "the EXIT trap kills every started process and removes the temp dir"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    lib_selftest
fi
