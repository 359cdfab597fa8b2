#!/usr/bin/env bash
# Installs the Debian packages the console needs, only those that are missing.
#   scripts/install-system.sh run    what serving needs (LDAP headers, CJK font, venv, compiler)
#   scripts/install-system.sh test   also what the tests need (Chromium, slapd, Redis, ...)
#   scripts/install-system.sh ldap   also slapd, for `make run-ldap`
# Runs as root on Debian; does nothing when everything is already there.
set -euo pipefail

profile=${1:-run}
packages=(build-essential python3-dev python3-venv libldap2-dev libsasl2-dev fonts-wqy-microhei)
if [ "$profile" = "test" ]; then
  packages+=(chromium slapd ldap-utils postgresql redis-server)
elif [ "$profile" = "ldap" ]; then
  packages+=(slapd ldap-utils)
fi

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing Debian packages: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "Run as root (or install these packages first): ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
