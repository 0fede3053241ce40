#!/usr/bin/env bash
# scripts/check-layers.sh — the include DAG of STYLE.md §2: each layer may
# include only the layers below it, and only src/crypto/ includes OpenSSL.
set -euo pipefail
cd "$(dirname "$0")/.."

allowed() {
  case "$1" in
    base) echo "base" ;;
    crypto) echo "crypto base" ;;
    keys) echo "keys crypto base" ;;
    record) echo "record crypto base" ;;
    msg) echo "msg base" ;;
    hs) echo "hs msg keys record crypto base" ;;
    top) echo "hs msg keys record crypto base top" ;;
  esac
}

fail=0
for f in $(find src -name '*.[ch]' | sort); do
  dir=$(dirname "${f#src/}")
  [ "$dir" = "." ] && layer=top || layer=${dir%%/*}
  ok=$(allowed "$layer")
  while IFS= read -r inc; do
    target=${inc%%/*}
    [ "$target" = "$inc" ] && target=top
    [ "$target" = "glasstls" ] && continue
    if ! grep -qw "$target" <<<"$ok"; then
      echo "layer violation: $f (layer $layer) includes \"$inc\"" >&2
      fail=1
    fi
  done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f")
done

bad=$(grep -rl '#include <openssl/' src include tool 2>/dev/null | grep -v '^src/crypto/' || true)
if [ -n "$bad" ]; then
  echo "OpenSSL headers outside src/crypto/:" >&2
  echo "$bad" >&2
  fail=1
fi
# The tool sees the public API, plus trace.h for explain, and for the capture reader
# (pcap.c, tlsrec.c) the bounded reader and the IANA constants of base/.
for f in $(find tool -name '*.[ch]' 2>/dev/null); do
  while IFS= read -r inc; do
    case "$inc" in glasstls/*|trace.h|base/bytes.h|base/wire.h|tool/*|"$(basename "$inc")") ;; *)
      echo "tool includes internal header: $f -> $inc" >&2; fail=1 ;;
    esac
  done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f")
done
[ $fail -eq 0 ] && echo "layers: ok"
exit $fail
