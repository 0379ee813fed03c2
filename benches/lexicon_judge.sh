#!/usr/bin/env bash
# Is a pronunciation lexicon heard right? Narrates each line of a file of news names with
# in-process Piper (noise 0), with the built-in lexicon, without any lexicon, and with
# each extra lexicon file given, and scores every WAV against the written line with the
# offline Whisper judge (../shared/tools/wer_judge.py). Lower corpus WER is better.
#
#   benches/lexicon_judge.sh [EXTRA.toml ...]
# LINES: the sentences (default benches/data/lexicon_names.txt). JUDGE_PY: python of a
# venv with the judge's packages (default ../venv-judge/bin/python); NARRATOR_VENV: the
# Piper venv (default ./.venv). An older lexicon to compare: git show REV:voices/lexicon.toml
set -euo pipefail
cd "$(dirname "$0")/.."
LINES="${LINES:-benches/data/lexicon_names.txt}"
. benches/judge_env.sh
run() { # name, extra narrate args...
  local name="$1"; shift
  local i=0
  while IFS= read -r line; do
    [ -n "$line" ] || continue
    i=$((i+1)); printf '%s\n' "$line" > "$W/l$i.txt"
    "$N" narrate "$W/l$i.txt" -o "$W/$name$i.wav" --engine piper --voice "$MODEL" \
      --no-intro --quiet --noise-scale 0 --noise-w 0 "$@"
    printf '%s\t%s\n' "$W/$name$i.wav" "$line" >> "$W/$name.tsv"
  done < "$LINES"
  printf '%-28s ' "$name:"; "$JUDGE_PY" "$JUDGE" --tsv "$W/$name.tsv" | tail -1
}
run builtin
run none --no-builtin-lexicon
k=0
for extra in "$@"; do
  k=$((k+1)); run "extra$k($(basename "$extra"))" --no-builtin-lexicon --lexicon "$extra"
done
