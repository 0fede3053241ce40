# shellcheck shell=bash
# tests/interop/tls12.bash — helpers shared by the TLS 1.2 interop scripts (tls12_*.sh), on top
# of lib.sh: peers whose stdin is a fifo the script writes to (for s_client/s_server command
# letters and for clients that must stay connected until an echo came back), waiting for a
# string in a log, and the glasstls binary. Not a test itself: ctest only runs *.sh.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

GLS=$GLS_BUILD/glasstls
[ -x "$GLS" ] || fail "no glasstls binary at $GLS (build first)"
declare -A GLS_FIFO_FD=()

# wait_for FILE STRING [SECONDS]: true once FILE contains STRING (fixed string), false after
# SECONDS (default 10).
wait_for()
{
    local limit=$((${3:-10} * 10))
    while [ "$limit" -gt 0 ]; do
        [ -f "$1" ] && grep -qF -- "$2" "$1" && return 0
        sleep 0.1
        limit=$((limit - 1))
    done
    return 1
}

# start_fed NAME CMD...: like start_bg, but CMD's stdin is a fifo that feed/end_feed write to.
# The writing end stays open in this shell only (no other child inherits it), so end_feed
# gives CMD end-of-file.
start_fed()
{
    local name=$1
    shift
    check_name "$name"
    [ -z "${GLS_BG_PID[$name]:-}" ] || fail "start_fed: $name already started"
    local fifo=$GLS_TMP/$name.fifo
    mkfifo "$fifo"
    (
        for fd in "${GLS_FIFO_FD[@]}"; do
            exec {fd}>&-
        done
        exec timeout -k 2 "$GLS_BG_LIMIT" "$@"
    ) <"$fifo" >"$(out_of "$name")" 2>"$(err_of "$name")" &
    BG_PID=$!
    GLS_BG_PID[$name]=$BG_PID
    GLS_BG_PIDS+=("$BG_PID")
    local w
    exec {w}>"$fifo"
    GLS_FIFO_FD[$name]=$w
}

# feed NAME TEXT: writes TEXT (as is; say $'...\n' for a line) to NAME's stdin.
feed()
{
    local fd=${GLS_FIFO_FD[$1]:-}
    [ -n "$fd" ] || fail "feed: $1 has no open stdin"
    printf '%s' "$2" >&"$fd" || fail "feed: $1 no longer reads its stdin"
}

# end_feed NAME: closes NAME's stdin (end-of-file for it).
end_feed()
{
    local fd=${GLS_FIFO_FD[$1]:-}
    [ -n "$fd" ] || return 0
    exec {fd}>&-
    unset "GLS_FIFO_FD[$1]"
}

# talk NAME TOKEN CMD...: runs CMD (a client) with TOKEN as one line of stdin, waits until
# TOKEN comes back on its stdout (the peer echoed it), then ends its stdin and waits for it to
# exit; RUN_STATUS is its status. Fails the test if the echo never comes.
talk()
{
    local name=$1
    local token=$2
    shift 2
    start_fed "$name" "$@"
    feed "$name" "$token"$'\n'
    wait_for "$(out_of "$name")" "$token" 10 || fail "$name: no echo of $token"
    end_feed "$name"
    wait_bg "$name" 10
}

# gls_serve NAME [glasstls server options]: our server on a fresh port ($port) for one
# connection, echoing.
gls_serve()
{
    local name=$1
    shift
    port=$(free_port)
    start_bg "$name" "$GLS" server --port "$port" --echo --max 1 "$@"
    wait_port "$port" "$name"
}

# ossl_serve NAME [s_server options]: openssl s_server on a fresh port ($port) for one
# connection, answering each line reversed (-rev; "CLOSE" ends the connection).
ossl_serve()
{
    local name=$1
    shift
    port=$(free_port)
    start_bg "$name" "$OPENSSL" s_server -rev -naccept 1 -accept "127.0.0.1:$port" "$@"
    wait_port "$port" "$name"
}

# gls_client NAME [glasstls client options]: our client to $port, trusting ca.pem, sends a
# line and CLOSE (for an s_server -rev peer) and reads until the peer closes.
gls_client()
{
    local name=$1
    shift
    # shellcheck disable=SC2154 # pki: set by the sourcing script before make_pki
    run_client "$name" $'hello glasstls\nCLOSE\n' "$GLS" client --cafile "$pki/ca.pem" \
        --servername localhost "$@" "127.0.0.1:$port"
}

# summary_has NAME LINE: our client's stderr summary holds LINE.
summary_has()
{
    expect_contains "$(err_of "$1")" "$2"
}

# server_hello TRACE: the ServerHello part of an openssl -trace output, into TRACE.sh.
server_hello()
{
    awk '/ServerHello, Length=/ { f = 1 } f && /^$/ { exit } f' "$1" >"$1.sh"
    [ -s "$1.sh" ] || fail "no ServerHello in ${1##*/}"
    printf '%s.sh' "$1"
}

# expect_etm TRACE yes|no: the traced ServerHello does (or does not) accept encrypt-then-MAC.
expect_etm()
{
    local sh
    sh=$(server_hello "$1")
    if [ "$2" = yes ]; then
        expect_contains "$sh" "extension_type=encrypt_then_mac(22)"
    else
        expect_not_contains "$sh" "extension_type=encrypt_then_mac(22)"
    fi
}

# bulk_lines FILE: 64 KiB of random text in lines of 64 characters (base64), into FILE.
bulk_lines()
{
    "$OPENSSL" rand -base64 49152 | tr -d '\n' | fold -w 64 >"$1"
    printf '\n' >>"$1"
}
