#!/usr/bin/env bash
# MP3 encoding speed: narrator's encoder (libmp3lame through mp3lame-encoder, built
# from source by cargo) against the `lame` CLI and ffmpeg (its libmp3lame) on the
# same PCM, same bitrate.
#
#   benches/mp3_vs_lame.sh [MINUTES]     (default 10 minutes of narrated speech)
set -euo pipefail
cd "$(dirname "$0")/.."
minutes="${1:-10}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
command -v lame >/dev/null || { echo "needs the lame CLI (apt-get install lame)"; exit 1; }
command -v sox >/dev/null || { echo "needs sox (apt-get install sox)"; exit 1; }
command -v ffmpeg >/dev/null || { echo "needs ffmpeg (apt-get install ffmpeg)"; exit 1; }

cargo build --release --quiet --bin narrator --example encode_mp3
bin="${CARGO_TARGET_DIR:-target}/release"
"$bin/narrator" narrate examples/article.txt -o "$work/one.wav" --quiet
one=$(soxi -D "$work/one.wav")
reps=$(python3 -c "import math;print(max(1, math.ceil($minutes*60/$one)))")
files=(); for _ in $(seq "$reps"); do files+=("$work/one.wav"); done
sox "${files[@]}" "$work/in.wav"
dur=$(soxi -D "$work/in.wav")

t() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); python3 -c "print(f'{$e-$s:.3f}')"; }
best() { local b=999999 x; for _ in 1 2 3; do x=$(t "$@"); b=$(python3 -c "print(min($b,$x))"); done; echo "$b"; }
ours=$(best "$bin/examples/encode_mp3" "$work/in.wav" "$work/ours.mp3" 64)
theirs=$(best lame --quiet -b 64 -m m -q 5 "$work/in.wav" "$work/lame.mp3")
ff=$(best ffmpeg -v error -y -i "$work/in.wav" -c:a libmp3lame -b:a 64k -compression_level 5 -ac 1 "$work/ff.mp3")
printf 'audio: %.1f s of 22050 Hz mono speech, 64 kbit/s CBR, best of 3\n' "$dur"
printf 'narrator encoder: %6.3f s  (%.0fx real time)\n' "$ours" "$(python3 -c "print($dur/$ours)")"
printf 'lame CLI:         %6.3f s  (%.0fx real time)\n' "$theirs" "$(python3 -c "print($dur/$theirs)")"
printf 'ffmpeg libmp3lame: %6.3f s  (%.0fx real time)\n' "$ff" "$(python3 -c "print($dur/$ff)")"
printf 'time ratio narrator/lame: %.2f\n' "$(python3 -c "print($ours/$theirs)")"
printf 'time ratio narrator/ffmpeg: %.2f\n' "$(python3 -c "print($ours/$ff)")"
