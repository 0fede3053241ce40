# shellcheck shell=bash disable=SC2034 # (the name tables are for the scripts that source this)
# tests/interop/tls13.bash — what the TLS 1.3 interop scripts (tls13_*.sh) share, on top of
# lib.sh: the glasstls tool and a fresh test PKI; peers whose stdin stays open so that lines
# can be typed to them while they run (talk, say, hang_up); waits on a peer's output
# (wait_for, wait_size); checks that record a known bug and let the script go on
# (defer_fail, finish); and how each peer spells the RFC 8446 suites and groups.
# Sourced, never run: ctest runs only tests/interop/*.sh.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

GLS=$GLS_BUILD/glasstls
[ -x "$GLS" ] || fail "no glasstls tool at $GLS"
for tool in "$OPENSSL" gnutls-serv gnutls-cli curl; do
    command -v "$tool" >/dev/null || fail "this test needs $tool"
done
PKI=$GLS_TMP/pki
make_pki "$PKI"
GLS_DEFERRED=()

# ---- the names each side uses ----

# The TLS 1.3 cipher suites (RFC 8446 §B.4) and our key exchange groups (§4.2.7).
TLS13_SUITES=(TLS_AES_128_GCM_SHA256 TLS_AES_256_GCM_SHA384 TLS_CHACHA20_POLY1305_SHA256)
TLS13_GROUPS=(x25519 secp256r1 secp384r1 ffdhe2048 ffdhe3072)
# GnuTLS priority names, and how gnutls prints the key exchange in "- Description:".
declare -A GNUTLS_CIPHER=([TLS_AES_128_GCM_SHA256]=AES-128-GCM
    [TLS_AES_256_GCM_SHA384]=AES-256-GCM [TLS_CHACHA20_POLY1305_SHA256]=CHACHA20-POLY1305)
declare -A GNUTLS_GROUP=([x25519]=X25519 [secp256r1]=SECP256R1 [secp384r1]=SECP384R1
    [ffdhe2048]=FFDHE2048 [ffdhe3072]=FFDHE3072)
declare -A GNUTLS_KX=([x25519]=ECDHE-X25519 [secp256r1]=ECDHE-SECP256R1
    [secp384r1]=ECDHE-SECP384R1 [ffdhe2048]=DHE-FFDHE2048 [ffdhe3072]=DHE-FFDHE3072)
# What openssl s_client 3.0 prints as "Server Temp Key:" for each group.
declare -A OPENSSL_TEMP_KEY=([x25519]="X25519, 253 bits"
    [secp256r1]="ECDH, prime256v1, 256 bits" [secp384r1]="ECDH, secp384r1, 384 bits"
    [ffdhe2048]="DH, 2048 bits" [ffdhe3072]="DH, 3072 bits")
# The test PKI's server leaves: the signature scheme our tool names (RFC 8446 §4.2.3), what
# openssl prints as "Peer signature type:", and gnutls's name in "- Description:".
SERVER_CERTS=(server-rsa server-ecdsa server-ed25519)
declare -A GLS_SIGALG=([server-rsa]=rsa_pss_rsae_sha256 [server-ecdsa]=ecdsa_secp256r1_sha256
    [server-ed25519]=ed25519)
declare -A OPENSSL_SIGTYPE=([server-rsa]=RSA-PSS [server-ecdsa]=ECDSA [server-ed25519]=ed25519)
declare -A GNUTLS_SIG=([server-rsa]=RSA-PSS-RSAE-SHA256 [server-ecdsa]=ECDSA-SECP256R1-SHA256
    [server-ed25519]=EdDSA-Ed25519)
# A gnutls priority string for TLS 1.3 only, and the same with one suite or one group.
GNUTLS_TLS13='NORMAL:-VERS-ALL:+VERS-TLS1.3'
gnutls_suite()
{
    printf '%s:-CIPHER-ALL:+%s' "$GNUTLS_TLS13" "${GNUTLS_CIPHER[$1]}"
}
gnutls_group()
{
    printf '%s:-GROUP-ALL:+GROUP-%s' "$GNUTLS_TLS13" "${GNUTLS_GROUP[$1]}"
}
# The random of a HelloRetryRequest (RFC 8446 §4.1.3) as `openssl s_client -trace` prints it.
HRR_RANDOM_TRACE='random_bytes (len=28): E59A6111BE1D8C021E65B891C2A211167ABB8C5E079E09E2C8A8339C'

# ---- checks ----

# expect_summary NAME FIELD VALUE: our tool's summary on NAME's stderr has "FIELD : VALUE"
# (FIELD padded to 10 columns, as in 'Cipher    : TLS_AES_128_GCM_SHA256').
expect_summary()
{
    expect_contains "$(err_of "$1")" "$(printf '%-10s: %s' "$2" "$3")"
}

# count_of FILE STRING: how many lines of FILE contain STRING.
count_of()
{
    grep -cF -- "$2" "$1" || true
}

# defer_fail MSG [FILE]: a check that failed, most likely a known bug: reported now (with the
# end of FILE), and the script goes on so that the later checks still run; finish fails it.
defer_fail()
{
    printf 'FAIL: %s\n' "$1" >&2
    if [ -n "${2:-}" ] && [ -f "$2" ]; then
        printf -- '---- %s (last 10 lines)\n' "${2##*/}" >&2
        tail -n 10 "$2" >&2
    fi
    GLS_DEFERRED+=("$1")
}

# finish: ends the script, failing it if any defer_fail happened.
finish()
{
    local msg
    if [ "${#GLS_DEFERRED[@]}" -gt 0 ]; then
        printf '%d check(s) failed:\n' "${#GLS_DEFERRED[@]}" >&2
        for msg in "${GLS_DEFERRED[@]}"; do
            printf '  - %s\n' "$msg" >&2
        done
        exit 1
    fi
    pass "all checks"
}

# ---- peers we type to ----

# talk NAME CMD...: starts CMD in the background (like start_bg) with a stdin that stays open
# until hang_up NAME: what say NAME appends to $GLS_TMP/NAME.in reaches CMD as it comes. The
# input is a file followed by `tail -f`, so no descriptor of ours leaks into other processes;
# a NAME.in made before talk (e.g. a link to a big file) is sent first.
talk()
{
    local name=$1
    shift
    [ -e "$GLS_TMP/$name.in" ] || : >"$GLS_TMP/$name.in"
    start_bg "$name-stdin" sleep "$GLS_BG_LIMIT"
    # shellcheck disable=SC2016 # expanded by the inner sh
    start_bg "$name" sh -c 'tail -c +1 -s 0.1 -f --pid="$1" "$2" | { shift 2; exec "$@"; }' \
        sh "$BG_PID" "$GLS_TMP/$name.in" "$@"
}

# say NAME TEXT: types TEXT (as is) to the talking peer NAME.
say()
{
    printf '%s' "$2" >>"$GLS_TMP/$1.in"
}

# hang_up NAME: ends the stdin of the talking peer NAME (it sees end of file).
hang_up()
{
    stop_bg "$1-stdin"
}

# wait_for NAME STRING [SECONDS]: waits (default 10 s) until NAME's stdout or stderr holds
# STRING; fails the test if NAME exits or time runs out first.
wait_for()
{
    wait_count "$1" "$2" 1 "${3:-10}"
}

# wait_count NAME STRING N [SECONDS]: like wait_for, until N lines hold STRING.
wait_count()
{
    local name=$1
    local limit=$((${4:-10} * 20))
    while [ "$limit" -gt 0 ]; do
        [ "$(count_of "$(all_of "$name")" "$2")" -ge "$3" ] && return 0
        bg_alive "$name" || break
        sleep 0.05
        limit=$((limit - 1))
    done
    [ "$(count_of "$(all_of "$name")" "$2")" -ge "$3" ] && return 0
    fail "$name: not $3 lines with \"$2\" after ${4:-10}s"
}

# seen_within NAME STRING SECONDS: like wait_for but only answers (true if seen).
seen_within()
{
    local limit=$(($3 * 20))
    while [ "$limit" -gt 0 ]; do
        grep -qF -- "$2" "$(all_of "$1")" && return 0
        sleep 0.05
        limit=$((limit - 1))
    done
    return 1
}

# wait_size FILE BYTES [SECONDS]: waits (default 30 s) until FILE holds at least BYTES.
wait_size()
{
    local limit=$((${3:-30} * 10))
    while [ "$limit" -gt 0 ]; do
        [ "$(stat -c %s "$1")" -ge "$2" ] && return 0
        sleep 0.1
        limit=$((limit - 1))
    done
    fail "${1##*/} has $(stat -c %s "$1") bytes, not $2, after ${3:-30}s"
}

# sha256_of FILE: the file's SHA-256 in hex.
sha256_of()
{
    sha256sum "$1" | cut -d ' ' -f 1
}

# ---- our tool ----

# gls_server NAME [server options]: starts `glasstls server` on a fresh port ($port) and
# waits until it listens.
gls_server()
{
    local name=$1
    shift
    port=$(free_port)
    start_bg "$name" "$GLS" server --port "$port" "$@"
    wait_port "$port" "$name"
}

# gls_client NAME INPUT [client options]: runs `glasstls client` to 127.0.0.1:$port trusting
# the test CA and verifying the name localhost (later options may override), with INPUT.
gls_client()
{
    local name=$1
    local input=$2
    shift 2
    run_client "$name" "$input" "$GLS" client --cafile "$PKI/ca.pem" --servername localhost "$@" \
        "127.0.0.1:$port"
}

# run_client_file NAME FILE CMD...: run_client with the contents of FILE (any size, binary) as
# stdin instead of a string.
run_client_file()
{
    local name=$1
    local file=$2
    shift 2
    check_name "$name"
    RUN_STATUS=0
    timeout -k 2 "$GLS_CLIENT_TIMEOUT" "$@" <"$file" >"$(out_of "$name")" \
        2>"$(err_of "$name")" || RUN_STATUS=$?
    if [ "$RUN_STATUS" = 124 ] || [ "$RUN_STATUS" = 137 ]; then
        fail "$name timed out after ${GLS_CLIENT_TIMEOUT}s: $*"
    fi
}
