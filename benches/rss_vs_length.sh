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
