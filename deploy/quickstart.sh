#!/usr/bin/env bash
# Vigil quick start: installs what is missing, builds, runs the daemon on the example
# configuration, streams a short recorded attack at it, and shows what came out.
#   deploy/quickstart.sh              run the demo and stop
#   deploy/quickstart.sh --keep-running   leave Vigil running afterwards (Ctrl-C stops it)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
KEEP=0; [ "${1:-}" = "--keep-running" ] && KEEP=1

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "Installing prerequisites (only what is missing)"
deploy/install-prerequisites.sh

step "Building Vigil (first build takes a few minutes)"
swift build --product vigil 2>&1 | grep -E "error|warning: unre|Compiling vigil|Build complete" || true
VIGIL="$(swift build --show-bin-path)/vigil"

LOG=$(mktemp -t vigil-quickstart.XXXXXX)
OUT=$(mktemp -t vigil-events.XXXXXX)
step "Starting: vigil serve --config deploy/vigil.yml --print-events"
"$VIGIL" serve --config deploy/vigil.yml --print-events >"$OUT" 2>"$LOG" &
PID=$!
cleanup() { kill -TERM "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; }
trap cleanup EXIT
for _ in $(seq 1 100); do
  curl -fsS http://127.0.0.1:9514/readyz >/dev/null 2>&1 && break
  kill -0 "$PID" 2>/dev/null || { cat "$LOG"; exit 1; }
  sleep 0.1
done
curl -fsS http://127.0.0.1:9514/readyz

step "Streaming a recorded attack on bank-nord (deploy/demo/attack.log): SSH brute force, a successful login, sudo to root at 03:00 Berlin time"
"$VIGIL" bench send --file deploy/demo/attack.log --port 5514 --connections 1 --framing octet
step "A single event sent with logger(1)"
logger --tcp --octet-count --rfc5424 -n 127.0.0.1 -P 5514 -t sshd "Failed password for root from 203.0.113.7 port 4242 ssh2"
sleep 1

step "Events Vigil parsed (one JSON line each; showing customer, time, and the extracted fields)"
if command -v python3 >/dev/null 2>&1; then
  python3 -c '
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    print(e["customer"], e["event_time"], json.dumps(e["fields"]))
' "$OUT"
else
  cat "$OUT"
fi

step "Counters (http://127.0.0.1:9514/metrics)"
curl -fsS http://127.0.0.1:9514/metrics | grep -E '^vigil_ingest_(received|parsed|malformed)' || true

if [ "$KEEP" = 1 ]; then
  step "Vigil keeps running (pid $PID). Send more with: logger --tcp --octet-count --rfc5424 -n 127.0.0.1 -P 5514 -t sshd \"Failed password for root from 203.0.113.7 port 4242 ssh2\""
  trap - EXIT
  wait "$PID"
fi
