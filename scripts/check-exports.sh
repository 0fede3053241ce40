#!/usr/bin/env bash
# scripts/check-exports.sh [LIB] — the shared library exports exactly the public
# API: every defined dynamic symbol must be a function declared in
# include/glasstls/*.h, and every function declared there must be exported.
set -euo pipefail
cd "$(dirname "$0")/.."
lib=${1:-build/libglasstls.so}
[ -f "$lib" ] || { echo "check-exports: $lib not found (build first)" >&2; exit 1; }

declared=$(cat include/glasstls/*.h | grep -oE '\bgls_[a-z0-9_]+\(' | tr -d '(' | sort -u)
exported=$(nm -D --defined-only "$lib" | awk '{print $3}' | grep -vE '^(_init|_fini|__bss_start|_edata|_end)$' | sort -u)

extra=$(comm -13 <(echo "$declared") <(echo "$exported"))
missing=$(comm -23 <(echo "$declared") <(echo "$exported"))
status=0
if [ -n "$extra" ]; then
  echo "check-exports: exported but not declared in include/glasstls/:" >&2
  echo "$extra" | sed 's/^/  /' >&2
  status=1
fi
if [ -n "$missing" ]; then
  echo "check-exports: declared in include/glasstls/ but not exported:" >&2
  echo "$missing" | sed 's/^/  /' >&2
  status=1
fi
[ $status -eq 0 ] && echo "check-exports: $(echo "$exported" | wc -l) symbols, all public"
exit $status
