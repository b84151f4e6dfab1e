#!/usr/bin/env bash
# Runs every test. Installs what the tests need first, where missing: PostgreSQL, logger, openssl,
# and the real senders the interoperability tests drive (rsyslog and syslog-ng, unpacked locally).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
deploy/install-prerequisites.sh
deploy/test-tools.sh
exec swift test "$@"
