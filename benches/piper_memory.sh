#!/usr/bin/env bash
# Peak memory (max RSS, /usr/bin/time -v) and wall time of `narrator narrate` with
# in-process Piper, in several ONNX Runtime configurations, against the `piper` CLI
# reading the same text to WAV, same voice, noise 0. Two lengths: the ~1,000-word
# news text and three copies of it, to see whether peak memory grows with length.
#
#   benches/piper_memory.sh [RUNS]        (default 3; the table shows medians)
#
# NARRATOR_VENV: venv with piper-tts and en_US-joe-medium (default ./.venv).
# CONFIGS: "sessions:threads:jobs:arena:pattern:shrink:spin[:entries] ..." to
#   measure (default below). arena/pattern/shrink/spin are 0 or 1: ONNX Runtime's
#   CPU memory arena, its memory pattern, arena shrinkage after every run, and
#   spinning intra-op threads (empty: the library's default); `entries` is passed
#   as NARRATOR_ORT_CONFIG ("key=value,key=value" session config entries).
#   "default:jobs" runs narrator with no overrides and `--jobs jobs`.
# PAIRED=1: run the CLI again right before every configuration, so each time ratio
#   compares runs a minute apart (use it on a busy machine; default 0: the CLI
#   runs once per round, before the first configuration).
# TEXTS: "short long" (default), or one of them.
# Each configuration reaches the library through the benchmark-only NARRATOR_ORT_*
# variables read by PiperConfig::build (src/engine/piper.rs).
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/piper_env.sh
RUNS="${1:-3}"
PAIRED="${PAIRED:-0}"
TEXTS="${TEXTS:-short long}"
CONFIGS="${CONFIGS:-default:2 default:1
  2:1:2:1:1:0:0 2:1:2:1:1:1:0 2:1:2:0:1:0:0 2:1:2:1:0:0:0 2:1:2:0:0:0:0 2:1:2:1:0:1:0
  1:2:1:1:1:0:1 1:2:1:1:1:1:1 1:2:1:0:1:0:1 1:2:1:1:0:0:1 1:2:1:0:0:0:1 1:2:1:1:0:0:0
  1:1:1:1:1:0:0 1:1:1:1:1:1:0 1:1:1:0:1:0:0 1:1:1:1:0:0:0 1:1:1:0:0:0:0}"
[ -x /usr/bin/time ] || { echo "needs GNU time (apt-get install time)"; exit 1; }
OUT="$(mktemp -d)"; trap 'rm -rf "$OUT"' EXIT

SHORT=benches/data/news_1000.txt
LONG="$OUT/news_3x.txt"
"$PY" - "$SHORT" "$LONG" <<'PY'
import sys
t = open(sys.argv[1]).read().strip()
open(sys.argv[2], "w").write("\n\n".join([t] * 3) + "\n")
PY

label() {
  case "$1" in
    default:*) echo "narrator defaults, --jobs ${1#default:}";;
    *) IFS=: read -r s t j a p k n e <<< "$1"
       on() { [ "$1" = 1 ] && echo on || echo off; }
       l="${s} sess x ${t} thr, --jobs $j, arena $(on "$a"), pattern $(on "$p")"
       [ "$k" = 1 ] && l="$l, shrink"
       [ "$t" != 1 ] && [ -n "$n" ] && l="$l, spin $(on "$n")"
       [ -n "${e:-}" ] && l="$l, $e"
       echo "$l";;
  esac
}

# measure LABEL TEXTNAME CMD...: one run; appends "label<TAB>text<TAB>rss_MB<TAB>wall_s<TAB>cpu_s<TAB>audio_sha".
measure() {
  local name="$1" text="$2"; shift 2
  rm -f "$OUT/out.wav"
  /usr/bin/time -v "$@" 2> "$OUT/time.txt" > /dev/null || { cat "$OUT/time.txt"; exit 1; }
  "$PY" - "$OUT/time.txt" "$OUT/out.wav" "$name" "$text" >> "$OUT/runs.tsv" <<'PY'
import sys, hashlib, wave
t = open(sys.argv[1]).read()
def field(key):
    return next(l.split(": ", 1)[1].strip() for l in t.splitlines() if key in l)
rss = int(field("Maximum resident set size")) / 1024
h, m, s = ([0, 0] + field("Elapsed (wall clock)").split(":"))[-3:]
wall = int(h) * 3600 + int(m) * 60 + float(s)
cpu = float(field("User time")) + float(field("System time"))
w = wave.open(sys.argv[2])
audio = w.readframes(w.getnframes())
print(f"{sys.argv[3]}\t{sys.argv[4]}\t{rss:.1f}\t{wall:.2f}\t{cpu:.2f}\t"
      f"{hashlib.sha256(audio).hexdigest()[:12]}\t{len(audio) / 2 / w.getframerate():.1f}")
PY
  tail -n 1 "$OUT/runs.tsv" >&2
}

echo "voice en_US-joe-medium, $(nproc) cores, $RUNS runs, load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for run in $(seq "$RUNS"); do
  for text in $TEXTS; do
    file=$SHORT; [ "$text" = long ] && file=$LONG
    first=1
    for c in $CONFIGS; do
      if [ "$first" = 1 ] || [ "$PAIRED" = 1 ]; then
        measure "piper CLI (1.8.0)" "$text" \
          "$VENV/bin/piper" -m "$MODEL" -i "$file" -f "$OUT/out.wav" --noise-scale 0 --noise-w-scale 0
        first=0
      fi
      args=(narrate "$file" -o "$OUT/out.wav" --engine piper --voice en_US-joe-medium
        --noise-scale 0 --noise-w 0 --quiet --no-cache)
      case "$c" in
        default:*) measure "$(label "$c")" "$text" "$BIN" "${args[@]}" --jobs "${c#default:}";;
        *) IFS=: read -r s t j a p k n e <<< "$c"
           measure "$(label "$c")" "$text" env NARRATOR_ORT_SESSIONS="$s" \
             NARRATOR_ORT_INTRA_THREADS="$t" NARRATOR_ORT_CPU_ARENA="$a" \
             NARRATOR_ORT_MEM_PATTERN="$p" NARRATOR_ORT_ARENA_SHRINKAGE="$k" \
             NARRATOR_ORT_SPINNING="$n" NARRATOR_ORT_CONFIG="${e:-}" \
             "$BIN" "${args[@]}" --jobs "$j";;
      esac
    done
  done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"

"$PY" - "$OUT/runs.tsv" <<'PY'
import sys, statistics as st
from collections import defaultdict
rows = {}
cli_wall = {}
for line in open(sys.argv[1]):
    name, text, rss, wall, cpu, sha, audio = line.rstrip("\n").split("\t")
    r = rows.setdefault(name, defaultdict(list))
    r[text].append((float(rss), float(wall), float(cpu)))
    # Time against the CLI run measured last before this one, on the same text.
    if name.startswith("piper CLI"):
        cli_wall[text] = float(wall)
    r["ratio_" + text].append(float(wall) / cli_wall[text])
    r["sha_" + text].append(sha)
    r["audio_" + text] = audio
def med(xs, i):
    return st.median(x[i] for x in xs)
print()
print("| configuration | peak RSS 1× (MB) | wall 1× (s) | ÷ CLI | CPU 1× (s) "
      "| peak RSS 3× (MB) | wall 3× (s) | ÷ CLI | CPU 3× (s) | RSS 3×/1× | audio |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
def cells(r, text):
    xs = r[text]
    if not xs:
        return ["–"] * 4
    return [f"{med(xs,0):.0f}", f"{med(xs,1):.2f}", f"{st.median(r['ratio_' + text]):.2f}",
            f"{med(xs,2):.1f}"]
for name, r in rows.items():
    growth = f"{med(r['long'],0)/med(r['short'],0):.2f}" if r["short"] and r["long"] else "–"
    shas = sorted(set(r["sha_short"])) + sorted(set(r["sha_long"]))
    print(f"| {name} | {' | '.join(cells(r, 'short'))} | {' | '.join(cells(r, 'long'))} "
          f"| {growth} | {' '.join(shas)} |")
n = max(len(r["short"]) or len(r["long"]) for name, r in rows.items()
        if not name.startswith("piper CLI"))
print(f"\nruns per configuration: {n}; medians; "
      "÷ CLI = median of wall / the CLI run just before it (PAIRED=1) or at the start of "
      "its round; CPU = user + system time; audio = SHA-256 prefix of the PCM (1×, 3×)")
for name, r in rows.items():
    print(f"audio length, {name}: 1× {r.get('audio_short', '–')} s, 3× {r.get('audio_long', '–')} s")
    if not name.startswith("piper CLI"):
        break
PY
