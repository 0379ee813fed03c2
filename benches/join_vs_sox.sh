#!/usr/bin/env bash
# Joining 200 speech segments into one file: narrator's muxer (decode, trim,
# per-segment EBU R128 loudness, limiter, edge fades, 250 ms pauses, WAV) and the
# same without mastering (--raw), against sox concatenating the same files with
# the same pauses (no trimming, no loudness: sox has no R128).
#
#   benches/join_vs_sox.sh [SEGMENTS]      (default 200)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-200}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
command -v sox >/dev/null || { echo "needs sox (apt-get install sox)"; exit 1; }
cargo build --release --quiet --bin narrator --example join_segments
bin="${CARGO_TARGET_DIR:-target}/release"

# 200 sentences of real speech (embedded espeak), one WAV each, with the
# engine's own leading/trailing silence.
python3 - "$n" > "$work/sentences.txt" <<'PY'
import sys, re
text = open("benches/data/news_1000.txt").read()
s = [x.strip() for x in re.split(r'(?<=[.!?])\s+', text) if len(x.strip()) > 20]
n = int(sys.argv[1])
for i in range(n):
    print(s[i % len(s)])
PY
i=0
while IFS= read -r line; do
  i=$((i+1))
  printf '%s\n' "$line" > "$work/s.txt"
  "$bin/narrator" narrate "$work/s.txt" -o "$(printf '%s/seg%04d.wav' "$work" "$i")" \
    --quiet --no-intro --no-loudness --no-trim
done < "$work/sentences.txt"
segs=("$work"/seg*.wav)
rate=$(soxi -r "${segs[0]}")
sox -n -r "$rate" -c 1 -b 16 "$work/pause.wav" trim 0 0.25
sox_args=(); for s in "${segs[@]}"; do sox_args+=("$s" "$work/pause.wav"); done

t() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); python3 -c "print(f'{$e-$s:.3f}')"; }
best() { local b=999999 x; for _ in 1 2 3; do x=$(t "$@"); b=$(python3 -c "print(min($b,$x))"); done; echo "$b"; }
ours=$(best "$bin/examples/join_segments" "$work/ours.wav" "${segs[@]}")
raw=$(best "$bin/examples/join_segments" "$work/raw.wav" --raw "${segs[@]}")
sx=$(best sox "${sox_args[@]}" "$work/sox.wav")
printf '%d segments, %.1f s of speech at %s Hz, best of 3\n' "${#segs[@]}" "$(soxi -D "$work/sox.wav")" "$rate"
printf 'narrator join, mastered: %6.3f s\n' "$ours"
printf 'narrator join, raw:      %6.3f s\n' "$raw"
printf 'sox concatenation:       %6.3f s\n' "$sx"
printf 'ratio mastered/sox: %.2f   raw/sox: %.2f\n' "$(python3 -c "print($ours/$sx)")" "$(python3 -c "print($raw/$sx)")"
