#!/usr/bin/env bash
# Installs the Debian 12 packages Ferry builds and tests with, only those that are missing.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libpoco-dev rapidjson-dev libpugixml-dev libssl-dev libpq-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3-hl7 openssl sqlite3
)
# Node.js runs the third-party npm peers in the tests; any packaged Node >= 18 will do, so only
# install Debian's when the machine has none.
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "ferry: installing Debian packages: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "ferry: run as root (or with sudo) to install packages" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}"
fi
