#!/usr/bin/env bash
# Benchmarks geomention against Python's flashtext, pyahocorasick and spaCy's
# PhraseMatcher on the same generated news corpus and the same name list,
# and geomention's Python API and Spark local[2] against its command line.
# Usage: bench/run.sh [--corpus-mb N] [--peer-mb N] [--spacy-mb N]
# Writes its work to target/bench/ and prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${BENCH_VENV:-target/bench-venv}
TARGET=${CARGO_TARGET_DIR:-target}
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
"$VENV/bin/python" -c 'import flashtext, ahocorasick, spacy' 2>/dev/null ||
    "$VENV/bin/pip" install --quiet flashtext pyahocorasick spacy
# The Python rows: the release wheel (built as a user's `maturin build
# --release` would), pyspark with pandas for mapInArrow, a Java for Spark.
"$VENV/bin/python" -c 'import pyspark, pandas, maturin' 2>/dev/null ||
    "$VENV/bin/pip" install --quiet -r python/tests/requirements.txt
command -v java >/dev/null || { echo "bench/run.sh: Spark needs a Java runtime (openjdk-17-jre-headless)" >&2; exit 2; }
cargo build --release --quiet
rm -rf "$TARGET/bench/wheels"
"$VENV/bin/maturin" build --release --quiet -m python/Cargo.toml --interpreter "$VENV/bin/python" -o "$TARGET/bench/wheels"
"$VENV/bin/pip" install --quiet --force-reinstall --no-deps "$TARGET"/bench/wheels/geomention-*.whl
exec "$VENV/bin/python" bench/bench.py --binary "$TARGET/release/geomention" --work target/bench \
    --python "$VENV/bin/python" "$@"
