#!/usr/bin/env bash
# Extraction quality.
#
#   benches/extract_score.sh [--dir OUT]
#       per-fixture token-level F1 of tests/data/extract, and leaked boilerplate
#       (OUT/NAME.txt: another extractor's text)
#   benches/extract_score.sh --dev [--worst N] [--pages ID,ID] [--no-trafilatura]
#       narrator and trafilatura on the extraction dev set (../shared/extraction-dev):
#       word-4-gram shingle P/R/F1, pages under F1 0.5, empty returns
#       (benches/extract_dev.py; trafilatura pinned in ./.venv-extract)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--dev" ]; then
  shift
  VENV=.venv-extract
  if ! "$VENV/bin/python" -c 'import trafilatura' 2>/dev/null; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q --disable-pip-version-check \
      'trafilatura==2.3.1' 'lxml==6.1.3' 'lxml_html_clean==0.4.6'
  fi
  exec "$VENV/bin/python" benches/extract_dev.py "$@"
fi
cargo run --quiet --example extract_score -- "$@"
