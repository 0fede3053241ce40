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
  libgnutls28-dev valgrind           # bench: GnuTLS as a second yardstick; instruction counts
  python3-cryptography               # explain self-check: an independent X25519/AES-GCM/RSA
  valgrind                           # constant-time checker (tests/ct)
  chromium                           # explain --html: the page checked in a real browser
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture: no
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
