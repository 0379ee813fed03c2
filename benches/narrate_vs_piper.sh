#!/usr/bin/env bash
# Whole-pipeline time: `narrator narrate` of a ~1,000-word article with in-process
# Piper (extract, normalize, synthesize, encode MP3) against the `piper` CLI reading
# the same text to WAV, same voice. Target: narrator ≤ 0.9× piper's wall time.
#
#   benches/narrate_vs_piper.sh [ARTICLE.txt] [RUNS]
#
# NARRATOR_VENV: venv with piper-tts and en_US-joe-medium (default ./.venv).
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/piper_env.sh
TEXT="${1:-benches/data/news_1000.txt}"
RUNS="${2:-3}"
OUT="$(mktemp -d)"; trap 'rm -rf "$OUT"' EXIT

now() { date +%s.%N; }
secs() { "$PY" -c 'import sys; print(f"{float(sys.argv[2])-float(sys.argv[1]):.3f}")' "$1" "$2"; }
median() { "$PY" -c 'import sys,statistics; print(f"{statistics.median(map(float,sys.argv[1:])):.3f}")' "$@"; }
echo "text: $TEXT ($(wc -w < "$TEXT") words), voice en_US-joe-medium, $(nproc) cores, median of $RUNS"

piper_t=(); ours_t=(); ours_wav_t=()
for _ in $(seq "$RUNS"); do
  t0=$(now); grep -v '^[[:space:]]*$' "$TEXT" | "$VENV/bin/piper" -m "$MODEL" -f "$OUT/piper.wav" 2>/dev/null; t1=$(now)
  piper_t+=("$(secs "$t0" "$t1")")
  t0=$(now); "$BIN" narrate "$TEXT" -o "$OUT/ours.mp3" --engine piper --voice "$MODEL" --quiet --no-cache; t1=$(now)
  ours_t+=("$(secs "$t0" "$t1")")
  t0=$(now); "$BIN" narrate "$TEXT" -o "$OUT/ours.wav" --engine piper --voice "$MODEL" --quiet --no-cache; t1=$(now)
  ours_wav_t+=("$(secs "$t0" "$t1")")
done
p=$(median "${piper_t[@]}"); o=$(median "${ours_t[@]}"); w=$(median "${ours_wav_t[@]}")
pa=$("$PY" -c 'import sys,wave; w=wave.open(sys.argv[1]); print(f"{w.getnframes()/w.getframerate():.1f}")' "$OUT/piper.wav")
oa=$("$PY" -c 'import sys,wave; w=wave.open(sys.argv[1]); print(f"{w.getnframes()/w.getframerate():.1f}")' "$OUT/ours.wav")
printf 'piper CLI → WAV:           %7.2f s  (%s s of audio)   runs: %s\n' "$p" "$pa" "${piper_t[*]}"
printf 'narrator narrate → MP3:    %7.2f s  (%s s of audio)   runs: %s\n' "$o" "$oa" "${ours_t[*]}"
printf 'narrator narrate → WAV:    %7.2f s                        runs: %s\n' "$w" "${ours_wav_t[*]}"
printf 'ratio narrator(MP3)/piper: %.2f   (target ≤ 0.90)\n' "$("$PY" -c "print($o/$p)")"
printf 'ratio narrator(WAV)/piper: %.2f\n' "$("$PY" -c "print($w/$p)")"
