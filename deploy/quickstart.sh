#!/usr/bin/env bash
# Vigil quick start: installs what is missing, builds, runs the daemon on the example configuration
# (embedded PostgreSQL, the example rules and customers), streams a short recorded attack at it, and
# shows what came out: the hits, the incidents in PostgreSQL, and how to look at them.
#   deploy/quickstart.sh                  run the demo and stop
#   deploy/quickstart.sh --keep-running   leave Vigil running afterwards (Ctrl-C stops it)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
KEEP=0; [ "${1:-}" = "--keep-running" ] && KEEP=1
CONFIG=deploy/vigil.yml

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "Installing prerequisites (only what is missing)"
deploy/install-prerequisites.sh

step "Building Vigil (the first build takes several minutes)"
swift build --product vigil 2>&1 | grep -E "error|Compiling vigil|Build complete" || true
VIGIL="$(swift build --show-bin-path)/vigil"

LOG=$(mktemp -t vigil-quickstart.XXXXXX)
HITS=$(mktemp -t vigil-hits.XXXXXX)
step "Starting: vigil serve --config $CONFIG --print-hits   (log: $LOG)"
"$VIGIL" serve --config "$CONFIG" --print-hits >"$HITS" 2>"$LOG" &
PID=$!
cleanup() { kill -TERM "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; }
trap cleanup EXIT
printf 'waiting for Vigil (the first start creates its PostgreSQL cluster)'
for _ in $(seq 1 600); do
  curl -fsS http://127.0.0.1:9514/readyz >/dev/null 2>&1 && break
  kill -0 "$PID" 2>/dev/null || { echo; cat "$LOG"; exit 1; }
  printf '.'; sleep 0.2
done
echo; curl -fsS http://127.0.0.1:9514/readyz

step "Streaming a recorded attack on customer bank-nord (deploy/demo/attack.log):"
cat <<'TXT'
    01:59:00Z-01:59:27Z  10 failed SSH logins on db01 from 203.0.113.7 (root, admin, oracle, ...)
    01:59:45Z            a successful login as admin from the same address
    02:00:05Z            admin runs sudo to root: 03:00 in Frankfurt, outside the bank's business hours
TXT
"$VIGIL" bench send --file deploy/demo/attack.log --port 5514 --connections 1 --framing octet

step "Hits (one JSON line each; the correlation closes once the allowed lateness has passed)"
for _ in $(seq 1 150); do
  grep -q '"level":"critical"' "$HITS" 2>/dev/null && break
  sleep 0.2
done
python3 -c '
import json, sys
for line in open(sys.argv[1]):
    h = json.loads(line)
    print("  %-9s %-10s %s" % (h["level"], h["customer"], h["summary"]))
' "$HITS"

step "Incidents in PostgreSQL: vigil incidents list"
sleep 1
"$VIGIL" incidents list --config "$CONFIG"
ID=$("$VIGIL" incidents list --config "$CONFIG" --json | python3 -c 'import json,sys; l=[json.loads(x) for x in sys.stdin if x.strip()]; print(min(l, key=lambda i: (i["priority"], i["id"]))["id"])')
step "The most urgent one: vigil incidents show $ID"
"$VIGIL" incidents show "$ID" --config "$CONFIG"

step "Look at them with psql (analysts: see README, 'For analysts')"
grep -o 'psql=[^ ]* -h [^ ]* -p [0-9]* -U [a-z_]* [a-z_]*' "$LOG" | head -1 | sed 's/^psql=/    /'
echo "    then e.g.: SELECT id, priority, customer_id, summary FROM vigil.v_open_incidents;"

if [ "$KEEP" = 1 ]; then
  step "Vigil keeps running (pid $PID). Send more with: logger --tcp --octet-count --rfc5424 -n 127.0.0.1 -P 5514 -t sshd \"Failed password for root from 203.0.113.7 port 4242 ssh2\""
  trap - EXIT
  wait "$PID"
fi
