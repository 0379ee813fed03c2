#!/usr/bin/env bash
# Per-fixture token-level F1 of article extraction, and leaked boilerplate.
# Usage: benches/extract_score.sh [--dir OUT]   (OUT/NAME.txt: another extractor's text)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --quiet --example extract_score -- "$@"
