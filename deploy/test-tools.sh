#!/usr/bin/env bash
# Test-only tools, installed where missing:
#  - real rsyslog (with gtls) and syslog-ng, unpacked into .build-tools/ with `apt-get download` + `dpkg -x`:
#    no daemon is installed or started on this machine (the two packages conflict anyway);
#  - their shared libraries, from apt;
#  - promtool (Debian's prometheus package, unpacked the same way: no Prometheus server is installed or started),
#    for `promtool check rules` on deploy/monitoring/prometheus-alerts.yml;
#  - aiosmtpd (PyPI), a real SMTP server for the e-mail tests.
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS="$PWD/.build-tools"
SUDO=""; [ "$(id -u)" != 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive

libs=(libestr0 libfastjson4 liblognorm5 libgnutls30 libivykis0 libnet1 libjson-c5 libwrap0 libglib2.0-0 libpcre3
      libsystemd0 libuuid1 libzstd1 zlib1g)
missing=()
for lib in "${libs[@]}"; do dpkg -s "$lib" >/dev/null 2>&1 || missing+=("$lib"); done
updated=0
if ((${#missing[@]})); then
  $SUDO apt-get update -qq; updated=1
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

unpack() {  # unpack PACKAGE into ROOT
  local pkg=$1 root=$2
  [ -e "$root/.$pkg.done" ] && return
  mkdir -p "$root"
  local tmp; tmp=$(mktemp -d); chmod 777 "$tmp"
  ( cd "$tmp" && { apt-get download "$pkg" >/dev/null 2>&1 || { [ $updated = 1 ] || $SUDO apt-get update -qq; apt-get download "$pkg" >/dev/null; }; } )
  dpkg -x "$tmp"/"$pkg"_*.deb "$root"
  rm -rf "$tmp"
  touch "$root/.$pkg.done"
}
unpack rsyslog "$TOOLS/rsyslog"
unpack rsyslog-gnutls "$TOOLS/rsyslog"
unpack syslog-ng-core "$TOOLS/syslog-ng"
unpack prometheus "$TOOLS/prometheus"
echo "test tools ready in $TOOLS" >&2

# A real SMTP server for the e-mail channel tests.
if ! python3 -c "import aiosmtpd" >/dev/null 2>&1; then
  python3 -m pip install --quiet aiosmtpd 2>/dev/null || python3 -m pip install --quiet --break-system-packages aiosmtpd
fi
