#!/usr/bin/env bash
# scripts/setup.sh — installs what building, testing and running glasstls
# needs on Debian 12, and nothing when it is all there already. Runs as root
# (or with sudo). The one place the project's packages are listed.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config   # build
  libssl-dev openssl                 # libcrypto (the primitives) and the openssl peer
  gnutls-bin curl                    # interop peers
  clang clang-format libclang-rt-14-dev  # format check, fuzzing, sanitizers
  python3                            # test helpers
  libpcap-dev tcpdump tshark         # decrypt: reading captures; capture tests
  redis-server libhiredis-dev        # the tool's fleet store (ticket keys, sessions) and its test
  libgnutls28-dev                    # bench: GnuTLS as a second yardstick
  valgrind                           # constant-time checker (tests/ct); bench instruction counts
  python3-cryptography               # explain self-check: an independent X25519/AES-GCM/RSA
  chromium                           # explain --html: the page checked in a real browser
  nodejs                             # ML-KEM differential test; node's TLS as an interop peer
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep "install ok installed" >/dev/null || missing+=("$p")
done
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  # tshark asks whether non-root users may capture: no
  echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm packages the tests run, pinned, in the project's own .deps/npm (gitignored); installed
# here only, never at test time. mlkem: an independent ML-KEM for tests/differential.
NPM_PACKAGES=(mlkem@2.7.0)
npm_dir="$(cd "$(dirname "$0")/.." && pwd)/.deps/npm"
for spec in "${NPM_PACKAGES[@]}"; do
  name=${spec%@*}
  have=$(node -p "require('$npm_dir/node_modules/$name/package.json').version" 2>/dev/null || true)
  [ "$have" = "${spec##*@}" ] && continue
  if ! command -v npm >/dev/null; then # Debian's nodejs comes without npm
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends npm >/dev/null
  fi
  echo "setup: npm install $spec into $npm_dir" >&2
  mkdir -p "$npm_dir"
  npm install --prefix "$npm_dir" --no-audit --no-fund --no-update-notifier --loglevel=error \
    --save-exact "$spec" >/dev/null
done
