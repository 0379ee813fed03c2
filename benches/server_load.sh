#!/usr/bin/env bash
# Load: 50 concurrent publish hooks (POST /v1/hooks/standard, Standard-Webhooks
# signed) on loopback against `narrator serve` (release).
# Reports p50/p99 enqueue latency (request sent → 202), that every job finished
# (none lost), the server's peak RSS, and that re-publishing the 50 unchanged
# articles (new webhook-ids) synthesizes nothing (/metrics counters unchanged).
#
#   benches/server_load.sh [ENGINE] [ARTICLES]     (ENGINE: espeak (default) or silence)
set -euo pipefail
cd "$(dirname "$0")/.."
ENGINE="${1:-espeak}"
N="${2:-50}"
PY="${PYTHON:-python3}"
OUT="$(mktemp -d)"
cargo build --quiet --release --bin narrator
BIN="${CARGO_TARGET_DIR:-target}/release/narrator"
PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
SECRET="whsec_$("$PY" -c 'import base64,os; print(base64.b64encode(os.urandom(24)).decode())')"
TOKEN=$("$BIN" token create --data-dir "$OUT/srv" --name bench 2>/dev/null)
NARRATOR_HOOK_SECRET="$SECRET" "$BIN" serve --listen "127.0.0.1:$PORT" --data-dir "$OUT/srv" \
  --rate-limit 100000 2>"$OUT/server.log" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$OUT"' EXIT
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.1
done
echo "engine $ENGINE, $N articles, $(nproc) cores, load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$PY" - "$PORT" "$TOKEN" "$SECRET" "$ENGINE" "$N" "$SERVER" <<'PYEOF'
import base64, hashlib, hmac, json, statistics, sys, threading, time, urllib.request, uuid
port, token, secret, engine, n, pid = sys.argv[1:7]
n = int(n)
base = f"http://127.0.0.1:{port}"
key = base64.b64decode(secret[len("whsec_"):])
words = open("benches/data/news_1000.txt").read().split()

def article(i):
    # ~100 words each, different for every article.
    text = " ".join(words[(i * 97) % 800:(i * 97) % 800 + 100])
    return {"source": {"text": f"Story {i}.\n\n{text}"}, "external_id": f"load-{i}", "engine": engine}

def hook(i, out):
    body = json.dumps(article(i)).encode()
    msg, ts = f"msg_{uuid.uuid4().hex}", str(int(time.time()))
    sig = base64.b64encode(hmac.new(key, f"{msg}.{ts}.".encode() + body, hashlib.sha256).digest()).decode()
    req = urllib.request.Request(base + "/v1/hooks/standard", body, {
        "Content-Type": "application/json", "webhook-id": msg, "webhook-timestamp": ts,
        "webhook-signature": f"v1,{sig}"})
    t0 = time.monotonic()
    try:
        r = urllib.request.urlopen(req, timeout=60)
        out[i] = (time.monotonic() - t0, r.status, json.load(r)["id"])
    except Exception as e:  # counted as lost below
        out[i] = (time.monotonic() - t0, getattr(e, "code", 0), None)

def burst():
    out = [None] * n
    start = threading.Barrier(n)
    def go(i):
        start.wait()
        hook(i, out)
    ts = [threading.Thread(target=go, args=(i,)) for i in range(n)]
    [t.start() for t in ts]; [t.join() for t in ts]
    return out

def get(path):
    req = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {token}"})
    return urllib.request.urlopen(req).read().decode()

def counters():
    m = {}
    for line in get("/metrics").splitlines():
        if line and not line.startswith("#") and "{" not in line:
            k, v = line.split()
            m[k] = float(v)
    return {k: m[k] for k in ("narrator_renders_total", "narrator_cache_hits_total",
                              "narrator_cache_misses_total", "narrator_synthesis_seconds_total")}

def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]

def rss():
    status = open(f"/proc/{pid}/status").read()
    return {l.split(":")[0]: l.split(":")[1].strip() for l in status.splitlines() if l.startswith(("VmHWM", "VmRSS"))}

t0 = time.monotonic()
first = burst()
lat = [r[0] * 1000 for r in first]
codes = sorted({r[1] for r in first})
ids = [r[2] for r in first]
print(f"publish burst: {n} hooks, statuses {codes}, enqueue latency p50 {statistics.median(lat):.1f} ms, "
      f"p99 {pct(lat, 99):.1f} ms, max {max(lat):.1f} ms")
while True:
    items = json.loads(get(f"/v1/narrations?limit=200"))["items"]
    active = [x for x in items if x["status"] in ("queued", "running")]
    if not active:
        break
    time.sleep(0.2)
t_done = time.monotonic() - t0
done = {x["id"] for x in items if x["status"] == "done"}
lost = [i for i in ids if i not in done]
print(f"all finished in {t_done:.1f} s: {len(done)} done, {len(items)} narrations, lost/failed: {len(lost)} "
      f"{'(none lost)' if not lost and None not in ids else lost}")
c1 = counters()
print(f"after the burst: {c1}; server memory {rss()}")
second = burst()
lat2 = [r[0] * 1000 for r in second]
same = sum(1 for a, b in zip(first, second) if b[1] == 200 and b[2] == a[2])
c2 = counters()
print(f"re-publish of the {n} unchanged: {same}/{n} answered 200 with the same narration, "
      f"latency p50 {statistics.median(lat2):.1f} ms, p99 {pct(lat2, 99):.1f} ms")
print(f"counters after re-publishing: {c2}")
print("re-publishing synthesized nothing" if c2 == c1 else "RE-PUBLISHING SYNTHESIZED SOMETHING")
print(f"server memory at the end: {rss()}")
sys.exit(0 if (not lost and c1 == c2 and same == n) else 1)
PYEOF
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
