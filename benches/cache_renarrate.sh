#!/usr/bin/env bash
# Re-narration with the segment cache: a 20-paragraph article (the first 20 of
# benches/data/news_1000.txt) with in-process Piper, deterministic
# (--noise-scale 0 --noise-w 0). Per run and format:
#   cold    the article, empty cache
#   warm    the article with one sentence of paragraph 10 edited, same cache
#   ref     the edited article, --no-cache (what the warm run must equal)
# Target: cold/warm ≥ 10× (wall time), same voice, warm output as long as ref (WAV:
# the same samples). CPU time (user + sys) is printed too: on a shared machine it
# moves less with the load than wall time does.
#
#   benches/cache_renarrate.sh [RUNS]
#
# NARRATOR_VENV: venv with piper-tts and en_US-joe-medium (default ./.venv).
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/piper_env.sh
RUNS="${1:-3}"
WORK="$(mktemp -d)"; trap 'rm -rf "$WORK"' EXIT

"$PY" - "$WORK" <<'EOF'
import sys, pathlib
work = pathlib.Path(sys.argv[1])
paras = pathlib.Path("benches/data/news_1000.txt").read_text().strip().split("\n\n")[:20]
assert len(paras) == 20
(work / "article.txt").write_text("\n\n".join(paras) + "\n")
old = "destroyed much of this year's harvest"
assert old in paras[9], paras[9]
paras[9] = paras[9].replace(old, "destroyed most of this year's harvest")
(work / "edited.txt").write_text("\n\n".join(paras) + "\n")
EOF

now() { date +%s.%N; }
narrate() { # INPUT OUTPUT [ARGS…] → JSON summary on stdout; CPU seconds in $WORK/cpu
  local input="$1" out="$2"; shift 2
  /usr/bin/time -f '%U %S' -o "$WORK/cpu.raw" "$BIN" narrate "$input" -o "$out" \
    --engine piper --voice "$MODEL" --noise-scale 0 --noise-w 0 --quiet --json "$@"
  awk '{printf "%.2f", $1 + $2}' "$WORK/cpu.raw" > "$WORK/cpu"
}
field() { "$PY" -c 'import sys,json; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
samples() { # decoded sample count (ffmpeg, 16-bit mono)
  ffmpeg -v error -i "$1" -f s16le -ac 1 - | wc -c | awk '{print $1/2}'
}
median() { "$PY" -c 'import sys,statistics; print(f"{statistics.median(map(float,sys.argv[1:])):.3f}")' "$@"; }

echo "20 paragraphs of benches/data/news_1000.txt ($(wc -w < "$WORK/article.txt") words), " \
     "voice en_US-joe-medium, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $RUNS runs"
for fmt in mp3 wav; do
  cold_t=(); warm_t=(); ref_t=(); cold_c=(); warm_c=()
  for r in $(seq "$RUNS"); do
    cache="$WORK/cache-$fmt-$r"
    t0=$(now); cold=$(narrate "$WORK/article.txt" "$WORK/cold.$fmt" --cache-dir "$cache"); t1=$(now)
    cold_c+=("$(cat "$WORK/cpu")")
    warm=$(narrate "$WORK/edited.txt" "$WORK/warm.$fmt" --cache-dir "$cache"); t2=$(now)
    warm_c+=("$(cat "$WORK/cpu")")
    ref=$(narrate "$WORK/edited.txt" "$WORK/ref.$fmt" --no-cache); t3=$(now)
    cold_t+=("$("$PY" -c "print(f'{$t1-$t0:.3f}')")")
    warm_t+=("$("$PY" -c "print(f'{$t2-$t1:.3f}')")")
    ref_t+=("$("$PY" -c "print(f'{$t3-$t2:.3f}')")")
    ws=$(samples "$WORK/warm.$fmt"); rs=$(samples "$WORK/ref.$fmt")
    same=""
    if [ "$fmt" = wav ]; then
      if cmp -s <(ffmpeg -v error -i "$WORK/warm.wav" -f s16le -) \
                <(ffmpeg -v error -i "$WORK/ref.wav" -f s16le -); then
        same=", samples identical"
      else
        same=", SAMPLES DIFFER"
      fi
    fi
    printf '%s run %s: cold %6.2f s (CPU %s s, %s segments), warm %5.2f s (CPU %s s, %s of %s cached), ref %6.2f s; voice %s / %s; warm %s samples, ref %s%s\n' \
      "$fmt" "$r" "${cold_t[-1]}" "${cold_c[-1]}" "$(field "$cold" segments)" "${warm_t[-1]}" "${warm_c[-1]}" \
      "$(field "$warm" segments_cached)" "$(field "$warm" segments)" "${ref_t[-1]}" \
      "$(field "$warm" voice)" "$(field "$ref" voice)" "$ws" "$rs" "$same"
  done
  c=$(median "${cold_t[@]}"); w=$(median "${warm_t[@]}")
  cc=$(median "${cold_c[@]}"); wc=$(median "${warm_c[@]}")
  printf '%s: median cold %.2f s, warm %.2f s: %.1f× faster (target ≥ 10×); CPU %.2f s vs %.2f s: %.1f×\n' \
    "$fmt" "$c" "$w" "$("$PY" -c "print($c/$w)")" "$cc" "$wc" "$("$PY" -c "print($cc/$wc)")"
done
