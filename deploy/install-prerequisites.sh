#!/usr/bin/env bash
# Installs what Vigil needs on Debian/Ubuntu, only where it is missing. Safe to run again.
set -euo pipefail

need=()
command -v logger >/dev/null 2>&1 || need+=(bsdutils)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v python3 >/dev/null 2>&1 || need+=(python3)   # the quick start's page receiver and output formatting
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || need+=(postgresql)
command -v runuser >/dev/null 2>&1 || need+=(util-linux)
dpkg -s libcurl4 >/dev/null 2>&1 || need+=(libcurl4)

if ((${#need[@]})); then
  echo "vigil: installing ${need[*]}" >&2
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if ! command -v swift >/dev/null 2>&1; then
  if [ -x /opt/swift/usr/bin/swift ]; then
    echo "vigil: add /opt/swift/usr/bin to PATH" >&2
  else
    echo "vigil: Swift 6.3 is required: https://www.swift.org/install/linux/" >&2
    exit 1
  fi
fi
