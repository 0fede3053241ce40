#!/usr/bin/env bash
# scripts/check-readme-install.sh — runs README.md's "Building by hand" steps as
# written, in a fresh clone of HEAD, with the install prefix turned into a
# temporary directory; then checks what was installed and `make install` with
# no PREFIX (default /usr/local, under a DESTDIR). The only other change: ctest
# runs the unit label (CI has just run the whole suite).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone -q . "$work/src"
prefix="$work/prefix"
steps=$(awk '/^## Building by hand/{f=1} f&&/^```sh/{g=1;next} g&&/^```/{exit} g{print}' README.md)
[ -n "$steps" ] || { echo "check-readme-install: no steps found in README.md" >&2; exit 1; }
steps=${steps//\/usr\/local/$prefix}
steps=${steps//ctest --test-dir build/ctest --test-dir build -L unit}
echo "$steps" | sed 's/^/  readme> /'
(cd "$work/src" && bash -euo pipefail -c "$steps") >"$work/log" 2>&1 || {
  tail -n 40 "$work/log" >&2
  echo "check-readme-install: the README steps failed" >&2
  exit 1
}
test -f "$prefix/include/glasstls/gls.h"
grep -q "^prefix=$prefix\$" "$prefix/lib/pkgconfig/glasstls.pc"
test -x "$prefix/bin/glasstls"
"$prefix/bin/glasstls" --version >/dev/null
# make install without PREFIX: /usr/local, under DESTDIR
(cd "$work/src" && DESTDIR="$work/dest" make install >/dev/null)
test -f "$work/dest/usr/local/include/glasstls/gls.h"
grep -q '^prefix=/usr/local$' "$work/dest/usr/local/lib/pkgconfig/glasstls.pc"
echo "check-readme-install: README steps and make install work"
