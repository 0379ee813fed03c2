#!/usr/bin/env bash
# Throughput of the CLI as users run it: `narrator normalize < FILE > out`, on ~10 MB of
# dense news copy (every line has a number in it), release build, best of N runs.
#
# Usage: benches/normalize_cli_throughput.sh [NARRATOR_BIN] [RUNS]
#   NARRATOR_BIN defaults to target/release/narrator (built with `cargo build --release
#   --bin narrator` if missing); RUNS defaults to 5.
# The corpus is assembled here from text already in the repository (nothing large is
# committed): every line with a digit from the written side of tests/golden/normalize
# and of tests/golden/script.txt, plus benches/data/wer_sentences.txt, repeated in
# order to 10 MiB. Kept at $TMPDIR/narrator-dense-news.txt between runs.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/release/narrator}
runs=${2:-5}
if [[ ! -x $bin ]]; then
  cargo build --release --bin narrator
fi
corpus=${TMPDIR:-/tmp}/narrator-dense-news.txt
if [[ ! -s $corpus ]]; then
  unit=$(mktemp)
  {
    cat tests/golden/normalize/*.txt tests/golden/script.txt | grep -v '^#' | cut -f1
    cat benches/data/wer_sentences.txt
  } | grep '[0-9]' > "$unit"
  : > "$corpus.tmp"
  while [[ $(stat -c %s "$corpus.tmp") -lt 10485760 ]]; do
    cat "$unit" "$unit" "$unit" "$unit" >> "$corpus.tmp"
  done
  head -c 10485760 "$corpus.tmp" | sed '$d' > "$corpus.tmp2" && mv "$corpus.tmp2" "$corpus"
  rm -f "$unit" "$corpus.tmp"
fi
bytes=$(stat -c %s "$corpus")
lines=$(wc -l < "$corpus")
out=$(mktemp)
times=$(mktemp)
best=
best_cpu=
for ((r = 1; r <= runs; r++)); do
  # Wall time, and the CPU time of the process itself (user + sys): on a shared
  # machine the wall time also counts waiting for a core.
  /usr/bin/time -f '%e %U %S' -o "$times" "$bin" normalize < "$corpus" > "$out"
  read -r wall user sys < "$times"
  cpu=$(echo "$user + $sys" | bc -l)
  printf 'run %d: %.2f s wall = %.2f MB/s; %.2f s CPU = %.2f MB per CPU second\n' "$r" "$wall" \
    "$(echo "$bytes / 1000000 / $wall" | bc -l)" "$cpu" "$(echo "$bytes / 1000000 / $cpu" | bc -l)"
  if [[ -z $best ]] || (($(echo "$wall < $best" | bc -l))); then best=$wall; fi
  if [[ -z $best_cpu ]] || (($(echo "$cpu < $best_cpu" | bc -l))); then best_cpu=$cpu; fi
done
printf 'best of %d on %d bytes (%d lines): %.2f MB/s wall, %.2f MB per CPU second (load: %s)\n' \
  "$runs" "$bytes" "$lines" "$(echo "$bytes / 1000000 / $best" | bc -l)" \
  "$(echo "$bytes / 1000000 / $best_cpu" | bc -l)" "$(cut -d' ' -f1-3 /proc/loadavg)"
rm -f "$out" "$times"
