# tests/tool/capture.bash — sourced by the capture tests of tests/tool (capture_openssl.sh,
# decrypt.sh, decrypt_hybrid.sh); .bash, so ctest does not run it as a test of its own.
# need_capture TOOL...: says SKIP and exits 0 unless root with every TOOL (scripts/setup.sh
# installs them); then $tmp (removed at exit unless KEEP is set), $pids (processes the
# script started, killed and reaped at exit), wait_for and free_port.

skip() {
  echo "SKIP: $*"
  exit 0
}

need_capture() {
  [ "$(id -u)" -eq 0 ] || skip "capturing needs root"
  for t in "$@"; do
    command -v "$t" >/dev/null || skip "no $t"
  done
}

tmp=$(mktemp -d)
pids=() # only processes this script started and has not waited for yet
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  [ -n "${KEEP:-}" ] || rm -rf "$tmp"; [ -z "${KEEP:-}" ] || echo "kept $tmp"
}
trap cleanup EXIT

# wait_for FILE PATTERN SECONDS
wait_for() {
  for _ in $(seq 1 $(($3 * 10))); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "timed out waiting for '$2' in $1:" >&2
  cat "$1" >&2
  return 1
}

# A TCP port on 127.0.0.1 that is free now.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
