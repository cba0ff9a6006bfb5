#!/usr/bin/env bash
# Benchmarks geomention against Python's flashtext, pyahocorasick and spaCy's
# PhraseMatcher on the same generated news corpus and the same name list.
# Usage: bench/run.sh [--corpus-mb N] [--peer-mb N] [--spacy-mb N]
# Writes its work to target/bench/ and prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${BENCH_VENV:-target/bench-venv}
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
"$VENV/bin/python" -c 'import flashtext, ahocorasick, spacy' 2>/dev/null ||
    "$VENV/bin/pip" install --quiet flashtext pyahocorasick spacy
cargo build --release --quiet
exec "$VENV/bin/python" bench/bench.py --binary target/release/geomention --work target/bench "$@"
