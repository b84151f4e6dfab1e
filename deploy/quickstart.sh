#!/usr/bin/env bash
# Vigil quick start: installs what is missing, builds, runs the daemon on the example configuration
# (embedded PostgreSQL, the example rules, customers and on-call file), streams a short recorded attack at
# it, and shows the whole chain: the hits, the incidents in PostgreSQL, the page that a local receiver
# prints with its acknowledgement link, and the acknowledgement.
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
PAGES=$(mktemp -t vigil-pages.XXXXXX)
step "Starting the page receiver on 127.0.0.1:9515 (deploy/demo/page-receiver.py stands in for phones and chat)"
python3 deploy/demo/page-receiver.py 9515 >"$PAGES" &
RECEIVER=$!
step "Starting: vigil serve --config $CONFIG --print-hits   (log: $LOG)"
"$VIGIL" serve --config "$CONFIG" --print-hits >"$HITS" 2>"$LOG" &
PID=$!
cleanup() {
  kill -TERM "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true
  kill "$RECEIVER" 2>/dev/null || true; wait "$RECEIVER" 2>/dev/null || true
}
trap cleanup EXIT
printf 'waiting for Vigil (the first start creates its PostgreSQL cluster)'
for _ in $(seq 1 600); do
  curl -fsS http://127.0.0.1:9514/readyz >/dev/null 2>&1 && break
  kill -0 "$PID" 2>/dev/null || { echo; cat "$LOG"; exit 1; }
  printf '.'; sleep 0.2
done
echo; curl -fsS http://127.0.0.1:9514/readyz

OLD=$("$VIGIL" incidents list --config "$CONFIG" --json | python3 -c 'import json,sys; print(" ".join(str(json.loads(x)["id"]) for x in sys.stdin if x.strip()))')
if [ -n "$OLD" ]; then
  step "Resolving the incidents an earlier quick start left open ($OLD), so this run opens new ones (linked by reopened_from)"
  for id in $OLD; do "$VIGIL" incidents resolve "$id" --config "$CONFIG" --by quickstart --note "quick start run again" >/dev/null; done
fi

step "Streaming a recorded attack on customer bank-nord (deploy/demo/attack.log):"
cat <<'TXT'
    01:59:00Z-01:59:27Z  10 failed SSH logins on db01 from 203.0.113.7 (root, admin, oracle, ...)
    01:59:45Z            a successful login as admin from the same address
    02:00:05Z            admin runs sudo to root: night in Frankfurt, outside the bank's business hours
TXT
# The recording is moved to the most recent night, with a per-run microsecond offset: the same events sent
# twice are the same hits (Vigil applies each hit exactly once), so a second run would otherwise add nothing.
ATTACK=$(mktemp -t vigil-attack.XXXXXX)
python3 - deploy/demo/attack.log "$ATTACK" <<'PY'
import datetime, random, re, sys
now = datetime.datetime.now(datetime.timezone.utc)
night = now.date() if now.hour >= 3 else now.date() - datetime.timedelta(days=1)
micro = "%03d" % random.randrange(1000)
text = open(sys.argv[1]).read()
text = re.sub(r"\d{4}-\d{2}-\d{2}T(\d{2}:\d{2}:\d{2}\.\d{3})Z", lambda m: "%sT%s%sZ" % (night, m.group(1), micro), text)
open(sys.argv[2], "w").write(text)
PY
"$VIGIL" bench send --file "$ATTACK" --port 5514 --connections 1 --framing octet

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

step "The page for it, as the receiver got it (on-call: deploy/demo/oncall-demo.yml, policy 'demo', step 1: duty officer Anna)"
ACK=""
for _ in $(seq 1 100); do
  ACK=$(python3 -c '
import json, sys
for line in open(sys.argv[1]):
    try:
        p = json.loads(line)
    except ValueError:
        continue
    if str(p.get("incident")) == sys.argv[2] and p.get("ack_url"):
        print(p["ack_url"]); break
' "$PAGES" "$ID" 2>/dev/null || true)
  [ -n "$ACK" ] && break
  sleep 0.2
done
python3 -c '
import json, sys
old = set(sys.argv[2].split())
earlier = 0
for line in open(sys.argv[1]):
    try:
        p = json.loads(line)
    except ValueError:
        continue
    if str(p.get("incident")) in old:
        earlier += 1
        continue
    print("  to %s: %s" % (p["to"], p["subject"]))
if earlier:
    print("  (and %d escalation page(s) for incidents an earlier run left open, sent before they were resolved)" % earlier)
' "$PAGES" "${OLD:-}"
if [ -n "$ACK" ]; then
  echo; python3 -c '
import json, sys
for line in open(sys.argv[1]):
    try:
        p = json.loads(line)
    except ValueError:
        continue
    if p.get("ack_url") == sys.argv[2]:
        print("\n".join("    " + l for l in (p.get("text") or "").splitlines())); break
' "$PAGES" "$ACK"
  echo; echo "  acknowledgement link (signed, expires in 24h; open it in a browser): $ACK"
  step "Anna acknowledges from her phone (POST to the link), which stops the escalation"
  curl -fsS -o /dev/null -w '  HTTP %{http_code}\n' -X POST --data 'action=acknowledge' "$ACK"
  "$VIGIL" incidents show "$ID" --config "$CONFIG" | grep -iE '^ *(status|acknowledged)|page|acknowledg' | head -8
else
  echo "  (no page for incident $ID yet; the log has the paging engine's messages: $LOG)"
fi

step "Look at them with psql (analysts: see README, 'For analysts')"
grep -o 'psql=[^ ]* -h [^ ]* -p [0-9]* -U [a-z_]* [a-z_]*' "$LOG" | head -1 | sed 's/^psql=/    /'
echo "    then e.g.: SELECT id, priority, customer_id, summary FROM vigil.v_open_incidents;"

if [ "$KEEP" = 1 ]; then
  step "Vigil keeps running (pid $PID). Send more with: logger --tcp --octet-count --rfc5424 -n 127.0.0.1 -P 5514 -t sshd \"Failed password for root from 203.0.113.7 port 4242 ssh2\""
  trap - EXIT
  wait "$PID"
fi
