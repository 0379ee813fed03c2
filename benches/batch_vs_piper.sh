#!/usr/bin/env bash
# A batch of 10 articles with in-process Piper (`narrator batch`, the model loaded
# once) against 10 separate `piper` CLI runs of the same texts, same voice.
# Target: batch wall time ≤ 0.8× the ten CLI runs.
#
#   benches/batch_vs_piper.sh [N_ARTICLES] [WORDS_PER_ARTICLE]
#
# The articles are cut from benches/data/news_1000.txt (10 × ~100 words by default:
# short news items, where loading the model is a real share of each CLI run).
# NARRATOR_VENV: venv with piper-tts and en_US-joe-medium (default ./.venv).
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/piper_env.sh
N="${1:-10}"
WORDS="${2:-100}"
OUT="$(mktemp -d)"; trap 'rm -rf "$OUT"' EXIT
mkdir -p "$OUT/in" "$OUT/piper"
"$PY" - "$OUT/in" "$N" "$WORDS" <<'PY'
import sys, pathlib
out, n, words = pathlib.Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
text = pathlib.Path("benches/data/news_1000.txt").read_text().split()
for i in range(n):
    chunk = text[(i * words) % max(1, len(text) - words):][:words]
    (out / f"story{i:02}.txt").write_text(f"Story {i}\n\n" + " ".join(chunk) + "\n")
PY
now() { date +%s.%N; }
t0=$(now)
for f in "$OUT"/in/*.txt; do
  grep -v '^[[:space:]]*$' "$f" | "$VENV/bin/piper" -m "$MODEL" -f "$OUT/piper/$(basename "$f" .txt).wav" \
    --noise-scale 0 --noise-w-scale 0 2>/dev/null
done
t1=$(now)
# No intro or disclosure: the same text as the CLI reads; WAV like the CLI writes.
"$BIN" batch "$OUT/in" --out-dir "$OUT/batch" --engine piper --voice "$MODEL" \
  --noise-scale 0 --noise-w 0 --format wav --no-intro --no-disclosure --quiet --no-cache
t2=$(now)
"$PY" - "$t0" "$t1" "$t2" "$N" <<'PY'
import sys
t0, t1, t2, n = map(float, sys.argv[1:5])
cli, batch = t1 - t0, t2 - t1
print(f"{int(n)} articles: piper CLI runs {cli:.2f} s, narrator batch {batch:.2f} s, "
      f"ratio {batch / cli:.2f} (target ≤ 0.80)")
PY
