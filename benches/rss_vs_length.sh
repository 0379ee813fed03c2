#!/usr/bin/env bash
# Peak memory (max RSS, /usr/bin/time -v) against narration length: the real
# pipeline (script, 2 workers, mastering, MP3 encoder, chapters, JSON transcript)
# with a synthetic voice at speech pace (examples/render_long.rs).
#
#   benches/rss_vs_length.sh [MINUTES...]     (default 10 60 120)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x /usr/bin/time ] || { echo "needs GNU time (apt-get install time)"; exit 1; }
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
cargo build --release --quiet --example render_long
bin="${CARGO_TARGET_DIR:-target}/release/examples/render_long"
printf '%8s %10s %10s %10s\n' minutes max_rss_MB wall_s mp3_MB
for m in "${@:-10 60 120}"; do
  for mm in $m; do
    /usr/bin/time -v "$bin" "$mm" "$work/long.mp3" 2> "$work/time.txt" >/dev/null
    rss=$(awk -F: '/Maximum resident/ {print $2/1024}' "$work/time.txt")
    wall=$(awk '/Elapsed \(wall/ {print $NF}' "$work/time.txt")
    size=$(python3 -c "import os;print(round(os.path.getsize('$work/long.mp3')/1e6,1))")
    printf '%8s %10.1f %10s %10s\n' "$mm" "$rss" "$wall" "$size"
  done
done

# The same with real speech: the embedded espeak voice through the CLI, on the
# 1000-word news text repeated to length (one copy is ~344 s of speech).
cargo build --release --quiet --bin narrator
nar="${CARGO_TARGET_DIR:-target}/release/narrator"
printf '\nespeak (CLI, MP3, JSON transcript)\n%8s %10s %10s %10s\n' minutes max_rss_MB wall_s audio_min
for m in "${@:-10 60 120}"; do
  for mm in $m; do
    python3 - "$mm" "$work/long.txt" <<'PY'
import sys, math
t = open("benches/data/news_1000.txt").read()
n = max(1, math.ceil(float(sys.argv[1]) * 60 / 344))
open(sys.argv[2], "w").write("\n\n".join([t] * n))
PY
    /usr/bin/time -v "$nar" narrate "$work/long.txt" -o "$work/long.mp3" --engine espeak \
      --json --transcript "$work/long.json" 2> "$work/time.txt" > "$work/summary.json"
    rss=$(awk -F: '/Maximum resident/ {print $2/1024}' "$work/time.txt")
    wall=$(awk '/Elapsed \(wall/ {print $NF}' "$work/time.txt")
    audio=$(python3 -c "import json;print(round(json.load(open('$work/summary.json'))['duration_s']/60,1))")
    printf '%8s %10.1f %10s %10s\n' "$mm" "$rss" "$wall" "$audio"
  done
done
